resource "aws_s3_bucket" "single_copy" {
  bucket = "acme-single-copy"
}

resource "aws_s3_bucket" "paused" {
  bucket = "acme-paused"
}

resource "aws_s3_bucket_replication_configuration" "paused" {
  bucket = aws_s3_bucket.paused.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "all"
    status = "Disabled"
    destination {
      bucket = "arn:aws:s3:::acme-paused-dr"
    }
  }
}
