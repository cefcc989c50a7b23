resource "aws_rds_cluster" "aws_managed_key" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}
