FROM debian:12.6
RUN apt-get update
RUN apt-get install -y curl
