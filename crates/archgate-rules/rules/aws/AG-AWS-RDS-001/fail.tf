resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.t3.medium"
}

resource "aws_db_instance" "disabled" {
  engine              = "mysql"
  instance_class      = "db.t3.medium"
  deletion_protection = false
}
