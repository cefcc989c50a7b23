FROM node:20.15.1
COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
ENV NODE_ENV=production NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
