FROM debian:12.6
RUN apt-get update && apt-get install --no-install-recommends curl
