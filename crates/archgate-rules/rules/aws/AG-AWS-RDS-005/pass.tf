resource "aws_db_instance" "exported" {
  engine                          = "postgres"
  instance_class                  = "db.m6g.large"
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}
