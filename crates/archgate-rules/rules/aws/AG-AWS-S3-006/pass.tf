resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket_lifecycle_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 90
    }
  }
}

resource "aws_s3_bucket" "legacy" {
  bucket = "acme-legacy-lifecycle"
  lifecycle_rule {
    enabled = true
    expiration {
      days = 365
    }
  }
}
