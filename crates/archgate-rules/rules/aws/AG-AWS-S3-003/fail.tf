resource "aws_s3_bucket" "unlogged" {
  bucket = "acme-unlogged"
}
