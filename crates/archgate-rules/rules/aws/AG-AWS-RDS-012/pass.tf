resource "aws_rds_cluster" "protected" {
  engine              = "aurora-postgresql"
  deletion_protection = true
}
