resource "aws_rds_cluster" "iam" {
  engine                              = "aurora-mysql"
  iam_database_authentication_enabled = true
}
