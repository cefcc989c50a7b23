FROM golang:1.22.5 AS build
RUN go build -o /out/app ./cmd/app
COPY --from=build /out/app /usr/local/bin/app
