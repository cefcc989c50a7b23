FROM debian:12.6
RUN useradd --uid 10001 app
USER app
COPY app /app
USER root
CMD ["/app/run"]
