FROM alpine:3.20
COPY app.conf /etc/app/app.conf
ADD rootfs.tar.gz /
