resource "aws_s3_bucket" "statements" {
  bucket = "acme-statements"
  tags = {
    environment = "production"
  }
}

resource "aws_sqs_queue" "events" {
  name = "payment-events"
}

provider "aws" {
  region = "eu-west-1"
}
