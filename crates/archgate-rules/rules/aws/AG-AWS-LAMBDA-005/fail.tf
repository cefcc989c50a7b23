resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "api.zip"
  environment {
    variables = {
      TABLE = "orders"
    }
  }
}
