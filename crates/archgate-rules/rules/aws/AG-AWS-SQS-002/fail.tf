resource "aws_sqs_queue" "orders" {
  name = "orders"
}

resource "aws_sqs_queue" "plain" {
  name                    = "plain"
  sqs_managed_sse_enabled = false
}
