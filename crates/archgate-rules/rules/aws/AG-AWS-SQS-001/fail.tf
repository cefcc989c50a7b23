resource "aws_sqs_queue" "plaintext" {
  name                    = "orders"
  sqs_managed_sse_enabled = false
}
