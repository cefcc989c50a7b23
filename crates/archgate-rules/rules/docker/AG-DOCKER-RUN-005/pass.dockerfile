FROM python:3.12.4-slim
COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
RUN update-ca-certificates && curl -fsSL https://internal.example.com/tool -o /usr/local/bin/tool
RUN pip install --index-url https://pypi.internal.example.com/simple -r requirements.txt
