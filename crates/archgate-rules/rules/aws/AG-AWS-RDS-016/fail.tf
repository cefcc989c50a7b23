resource "aws_rds_cluster" "no_audit" {
  engine                          = "aurora-mysql"
  enabled_cloudwatch_logs_exports = ["error", "slowquery"]
}

resource "aws_rds_cluster" "default_engine" {
  cluster_identifier = "legacy"
}
