resource "aws_lambda_function" "unbounded" {
  function_name = "resize"
  role          = "arn:aws:iam::123456789012:role/resize"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "resize.zip"
}

resource "aws_lambda_function" "unreserved" {
  function_name                  = "thumbs"
  role                           = "arn:aws:iam::123456789012:role/thumbs"
  runtime                        = "python3.12"
  handler                        = "app.handler"
  filename                       = "thumbs.zip"
  reserved_concurrent_executions = -1
}
