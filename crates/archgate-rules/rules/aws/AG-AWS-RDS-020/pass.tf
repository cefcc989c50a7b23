resource "aws_db_instance" "current_ca" {
  engine             = "postgres"
  instance_class     = "db.m6g.large"
  ca_cert_identifier = "rds-ca-rsa2048-g1"
}

resource "aws_db_instance" "default_ca" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}
