FROM node:20.15.1
ENV DB_PASSWORD_FILE=/run/secrets/db_password LOG_LEVEL=info
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
