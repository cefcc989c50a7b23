FROM node AS build
RUN npm ci && npm run build
FROM nginx:latest
COPY --from=build /app/dist /usr/share/nginx/html
