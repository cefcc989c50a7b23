resource "aws_rds_cluster" "audited" {
  engine                          = "aurora-mysql"
  enabled_cloudwatch_logs_exports = ["audit", "error"]
}

# PostgreSQL has no audit log export; not checked.
resource "aws_rds_cluster" "postgres" {
  engine = "aurora-postgresql"
}
