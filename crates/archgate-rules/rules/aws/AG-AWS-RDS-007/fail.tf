resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_db_instance" "off" {
  engine            = "mysql"
  instance_class    = "db.m6g.large"
  storage_encrypted = false
}
