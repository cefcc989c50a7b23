resource "aws_rds_cluster" "encrypted" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}

resource "aws_rds_cluster" "serverless" {
  engine      = "aurora-mysql"
  engine_mode = "serverless"
}
