resource "aws_s3_bucket" "silent" {
  bucket = "acme-silent"
}
