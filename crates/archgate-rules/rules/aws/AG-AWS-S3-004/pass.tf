resource "aws_s3_bucket" "private" {
  bucket = "acme-private"
}

resource "aws_s3_bucket_public_access_block" "private" {
  bucket                  = aws_s3_bucket.private.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

variable "restrict" {
  type = bool
}

resource "aws_s3_bucket" "configurable" {
  bucket = "acme-configurable"
}

resource "aws_s3_bucket_public_access_block" "configurable" {
  bucket                  = aws_s3_bucket.configurable.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = var.restrict
}
