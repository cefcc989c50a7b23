resource "aws_cloudwatch_log_group" "plain" {
  name              = "/app/orders"
  retention_in_days = 365
}
