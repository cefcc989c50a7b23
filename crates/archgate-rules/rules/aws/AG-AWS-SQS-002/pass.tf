resource "aws_sqs_queue" "sse_sqs" {
  name                    = "events"
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue" "sse_kms" {
  name              = "payments"
  kms_master_key_id = "alias/payments-sqs"
}
