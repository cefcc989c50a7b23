resource "aws_kms_key" "unrotated" {
  description = "data"
}
