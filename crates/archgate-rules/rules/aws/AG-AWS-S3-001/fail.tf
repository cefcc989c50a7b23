resource "aws_s3_bucket" "plain" {
  bucket = "acme-plain"
}

resource "aws_s3_bucket" "other_config" {
  bucket = "acme-other"
}

# Encrypts a different bucket, so `other_config` stays unencrypted.
resource "aws_s3_bucket_server_side_encryption_configuration" "unrelated" {
  bucket = "some-bucket-outside-this-module"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
