resource "aws_s3_bucket" "separate" {
  bucket = "acme-separate"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "separate" {
  bucket = aws_s3_bucket.separate.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket" "inline" {
  bucket = "acme-inline"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}

resource "aws_s3_bucket" "by_variable" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_server_side_encryption_configuration" "by_variable" {
  bucket = aws_s3_bucket.by_variable.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
