FROM node:20.15.1
ARG NPM_TOKEN
ENV DB_PASSWORD=hunter2 LOG_LEVEL=info
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
