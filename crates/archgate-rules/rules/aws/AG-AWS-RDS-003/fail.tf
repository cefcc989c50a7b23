resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_db_instance" "off" {
  engine              = "postgres"
  instance_class      = "db.m6g.large"
  monitoring_interval = 0
}
