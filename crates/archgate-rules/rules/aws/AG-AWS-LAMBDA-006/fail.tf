resource "aws_lambda_function" "legacy" {
  function_name = "legacy"
  role          = "arn:aws:iam::123456789012:role/legacy"
  runtime       = "python3.7"
  handler       = "app.handler"
  filename      = "legacy.zip"
}
