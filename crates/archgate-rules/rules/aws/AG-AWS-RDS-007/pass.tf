resource "aws_db_instance" "encrypted" {
  engine            = "postgres"
  instance_class    = "db.m6g.large"
  storage_encrypted = true
}

resource "aws_db_instance" "replica" {
  instance_class      = "db.m6g.large"
  replicate_source_db = "orders-primary"
}
