FROM python:3.12.4-slim
RUN curl -fsSLk https://internal.example.com/tool -o /usr/local/bin/tool
RUN pip install --trusted-host pypi.internal.example.com -r requirements.txt
