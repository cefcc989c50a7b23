resource "aws_kms_key" "rds" {
  description = "orders database"
}

resource "aws_rds_cluster" "cmk" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
  kms_key_id        = aws_kms_key.rds.arn
}
