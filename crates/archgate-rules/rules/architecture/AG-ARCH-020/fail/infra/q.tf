resource "aws_sqs_queue" "profiles" {
  name = "profiles"
  sqs_managed_sse_enabled = false
}
