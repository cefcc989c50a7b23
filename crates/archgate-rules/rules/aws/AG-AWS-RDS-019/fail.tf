resource "aws_rds_cluster" "missing" {
  engine = "aurora-postgresql"
}

resource "aws_rds_cluster" "off" {
  engine            = "aurora-mysql"
  storage_encrypted = false
}
