FROM debian:12.6
RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.4.2/install.sh && \
    echo "5f2b0c7e1d9a8b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4  /tmp/install.sh" | sha256sum -c - && \
    bash /tmp/install.sh --yes
