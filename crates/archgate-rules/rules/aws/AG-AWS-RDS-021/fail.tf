resource "aws_rds_cluster" "unprotected" {
  engine = "aurora-postgresql"
}
