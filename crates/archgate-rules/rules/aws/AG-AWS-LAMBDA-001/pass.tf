resource "aws_lambda_function" "bounded" {
  function_name                  = "resize"
  role                           = "arn:aws:iam::123456789012:role/resize"
  runtime                        = "python3.12"
  handler                        = "app.handler"
  filename                       = "resize.zip"
  reserved_concurrent_executions = 50
}
