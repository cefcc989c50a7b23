resource "aws_lambda_function" "api_cmk" {
  function_name = "api-cmk"
  role          = "arn:aws:iam::123456789012:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "api.zip"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  environment {
    variables = {
      TABLE = "orders"
    }
  }
}

resource "aws_lambda_function" "no_env" {
  function_name = "no-env"
  role          = "arn:aws:iam::123456789012:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "api.zip"
}
