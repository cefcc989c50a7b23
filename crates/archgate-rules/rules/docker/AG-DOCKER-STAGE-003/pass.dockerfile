FROM golang:1.22.5 AS build
RUN go build -o /out/app ./cmd/app
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/app /usr/local/bin/app
