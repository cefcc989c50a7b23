FROM alpine:3.20
ADD app.conf /etc/app/app.conf
ADD https://example.com/tool.sh /usr/local/bin/tool.sh
ADD rootfs.tar.gz /
