FROM python:3.12-slim
RUN useradd --uid 10001 app
COPY app/ /app
USER app
CMD ["python", "/app/main.py"]
