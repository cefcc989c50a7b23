resource "aws_s3_bucket" "none" {
  bucket = "acme-none"
}

resource "aws_s3_bucket" "disabled" {
  bucket = "acme-disabled"
  versioning {
    enabled = false
  }
}
