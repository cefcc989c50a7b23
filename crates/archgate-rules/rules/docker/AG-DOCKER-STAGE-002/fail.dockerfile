FROM python:3.12.4-slim
CMD ["python", "-m", "http.server"]
COPY app /app
CMD ["python", "/app/main.py"]
