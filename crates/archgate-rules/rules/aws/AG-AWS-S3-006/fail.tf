resource "aws_s3_bucket" "kept_forever" {
  bucket = "acme-kept-forever"
}
