resource "aws_cloudwatch_log_group" "year" {
  name              = "/app/orders"
  retention_in_days = 365
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "/app/audit"
}

resource "aws_cloudwatch_log_group" "never_expire" {
  name              = "/app/payments"
  retention_in_days = 0
}
