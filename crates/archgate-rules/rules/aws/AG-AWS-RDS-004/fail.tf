resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_db_instance" "single" {
  engine         = "mysql"
  instance_class = "db.m6g.large"
  multi_az       = false
}
