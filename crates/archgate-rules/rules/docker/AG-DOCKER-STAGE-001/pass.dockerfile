FROM golang:1.22.5 AS build-go
RUN go build ./...
FROM node:20.15.1 AS build-web
RUN npm run build
