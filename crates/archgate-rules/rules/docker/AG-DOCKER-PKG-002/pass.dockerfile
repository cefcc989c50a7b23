FROM debian:12.6
RUN apt-get update && apt-get install -y --no-install-recommends curl
