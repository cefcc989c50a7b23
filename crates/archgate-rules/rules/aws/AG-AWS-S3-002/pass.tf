resource "aws_s3_bucket" "inline" {
  bucket = "acme-inline"
  versioning {
    enabled = true
  }
}

resource "aws_s3_bucket" "separate" {
  bucket = "acme-separate"
}

resource "aws_s3_bucket_versioning" "separate" {
  bucket = aws_s3_bucket.separate.id
  versioning_configuration {
    status = "Enabled"
  }
}

# Unknown until apply: never reported.
resource "aws_s3_bucket" "unknown" {
  bucket = "acme-unknown"
  versioning {
    enabled = var.versioning_enabled
  }
}
