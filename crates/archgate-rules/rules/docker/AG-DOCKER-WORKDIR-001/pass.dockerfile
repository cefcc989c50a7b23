FROM python:3.12.4-slim
WORKDIR /app
