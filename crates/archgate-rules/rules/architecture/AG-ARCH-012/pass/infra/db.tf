resource "aws_db_instance" "ledger" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 14
}
