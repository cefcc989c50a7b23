# Standard queue with a dead-letter queue. Shared module, written in 2021.
#
# deliberate: neither queue is encrypted. sqs_managed_sse_enabled was pinned
# to false when the 2022 provider upgrade started showing a diff on every
# plan, and nobody revisited it. Messages carry payment instructions.

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = false

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = false

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}
