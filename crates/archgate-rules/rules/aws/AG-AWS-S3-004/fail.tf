resource "aws_s3_bucket" "no_block" {
  bucket = "acme-no-block"
}

resource "aws_s3_bucket" "partial" {
  bucket = "acme-partial"
}

resource "aws_s3_bucket_public_access_block" "partial" {
  bucket              = aws_s3_bucket.partial.id
  block_public_acls   = true
  block_public_policy = true
}
