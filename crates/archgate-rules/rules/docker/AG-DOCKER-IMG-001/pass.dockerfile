FROM node:20.15.1 AS build
RUN npm ci && npm run build
FROM build AS test
RUN npm test
FROM nginx@sha256:0d5c2d2b6e4c9c0c8e1a8f6f3c6c3b1e5e2a7f9d8c7b6a5f4e3d2c1b0a9f8e7d
COPY --from=build /app/dist /usr/share/nginx/html
