provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      environment = "prod"
      cost-centre = "CC-4410-PAYMENTS"
    }
  }
}

resource "aws_s3_bucket" "statements" {
  bucket = "acme-statements"
}

resource "aws_sqs_queue" "events" {
  name = "payment-events"
  tags = {
    cost-centre = "CC-4410-PAYMENTS"
  }
}
