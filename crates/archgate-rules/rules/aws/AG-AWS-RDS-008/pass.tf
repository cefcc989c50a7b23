resource "aws_db_instance" "private" {
  engine              = "postgres"
  instance_class      = "db.m6g.large"
  publicly_accessible = false
}

resource "aws_db_instance" "default_private" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}
