resource "aws_rds_cluster" "logged" {
  engine                          = "aurora-postgresql"
  enabled_cloudwatch_logs_exports = ["postgresql"]
}
