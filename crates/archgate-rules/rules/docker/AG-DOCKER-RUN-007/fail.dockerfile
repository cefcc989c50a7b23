FROM debian:12.6
RUN useradd app && echo 'app:changeme' | chpasswd
