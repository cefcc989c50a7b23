FROM golang:1.22.5 AS build
RUN useradd --uid 10001 builder
USER builder
RUN go build -o /out/app ./cmd/app
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/app /app
USER 65532
ENTRYPOINT ["/app"]
