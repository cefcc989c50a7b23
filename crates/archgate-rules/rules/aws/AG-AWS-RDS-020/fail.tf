resource "aws_db_instance" "old_ca" {
  engine             = "postgres"
  instance_class     = "db.m6g.large"
  ca_cert_identifier = "rds-ca-2019"
}
