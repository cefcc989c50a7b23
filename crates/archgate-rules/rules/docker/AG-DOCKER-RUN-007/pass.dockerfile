FROM debian:12.6
RUN useradd --no-log-init --shell /usr/sbin/nologin app
