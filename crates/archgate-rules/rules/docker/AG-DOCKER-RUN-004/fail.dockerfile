FROM debian:12.6
RUN curl -fsSL https://get.example.com/install.sh | bash -s -- --yes
