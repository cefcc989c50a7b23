resource "aws_db_instance" "default" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_db_instance" "explicit" {
  engine                     = "postgres"
  instance_class             = "db.m6g.large"
  auto_minor_version_upgrade = true
}
