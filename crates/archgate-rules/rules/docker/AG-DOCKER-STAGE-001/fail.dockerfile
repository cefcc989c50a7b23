FROM golang:1.22.5 AS build
RUN go build ./...
FROM node:20.15.1 AS build
RUN npm run build
