resource "aws_rds_cluster" "silent" {
  engine = "aurora-postgresql"
}
