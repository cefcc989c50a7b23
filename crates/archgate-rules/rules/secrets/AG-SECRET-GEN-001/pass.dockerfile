FROM node:20.15.1
ENV API_KEY_FILE=/run/secrets/api_key
