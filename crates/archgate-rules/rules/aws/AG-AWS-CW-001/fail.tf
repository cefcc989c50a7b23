resource "aws_cloudwatch_log_group" "short" {
  name              = "/app/orders"
  retention_in_days = 90
}
