FROM python:3.12.4-slim AS build
CMD ["python", "-m", "build"]
FROM python:3.12.4-slim
COPY app /app
CMD ["python", "/app/main.py"]
