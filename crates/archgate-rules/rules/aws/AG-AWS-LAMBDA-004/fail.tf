resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  role          = "arn:aws:iam::123456789012:role/ingest"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "ingest.zip"
}
