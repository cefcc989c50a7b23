resource "aws_vpc" "logged" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "logged" {
  vpc_id          = aws_vpc.logged.id
  traffic_type    = "ALL"
  log_destination = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow"
  iam_role_arn    = "arn:aws:iam::123456789012:role/flow-logs"
}
