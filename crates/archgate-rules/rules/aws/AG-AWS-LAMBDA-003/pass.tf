resource "aws_lambda_function" "in_vpc_ingest" {
  function_name = "ingest"
  role          = "arn:aws:iam::123456789012:role/ingest"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "ingest.zip"
  vpc_config {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
