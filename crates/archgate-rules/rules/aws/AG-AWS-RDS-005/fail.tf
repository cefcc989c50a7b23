resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_db_instance" "empty" {
  engine                          = "mysql"
  instance_class                  = "db.m6g.large"
  enabled_cloudwatch_logs_exports = []
}
