FROM debian:12.6
RUN useradd --uid 10001 app
USER root
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
USER 10001:10001
CMD ["/app/run"]
