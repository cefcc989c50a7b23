resource "aws_lambda_function" "dlq_ingest" {
  function_name = "ingest"
  role          = "arn:aws:iam::123456789012:role/ingest"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "ingest.zip"
  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-west-1:123456789012:ingest-dlq"
  }
}
