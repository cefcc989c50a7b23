FROM python:3.12-slim@sha256:6f8b3a1c9e2d4f5a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
COPY . /app
