FROM alpine:3.20
COPY custom.rsa.pub /etc/apk/keys/custom.rsa.pub
RUN apk add --no-cache /tmp/custom.apk
