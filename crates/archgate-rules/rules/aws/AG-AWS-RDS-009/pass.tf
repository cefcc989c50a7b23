resource "aws_db_instance" "iam" {
  engine                              = "postgres"
  instance_class                      = "db.m6g.large"
  iam_database_authentication_enabled = true
}

# IAM database authentication does not exist for SQL Server.
resource "aws_db_instance" "sqlserver" {
  engine         = "sqlserver-se"
  instance_class = "db.m6i.large"
}
