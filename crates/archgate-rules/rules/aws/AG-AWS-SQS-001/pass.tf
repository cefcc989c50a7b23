resource "aws_sqs_queue" "default_sse" {
  name = "orders"
}

resource "aws_sqs_queue" "kms" {
  name              = "payments"
  kms_master_key_id = "alias/aws/sqs"
}
