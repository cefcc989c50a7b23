resource "aws_sqs_queue" "orphan" {
  name = "orphan"
}
