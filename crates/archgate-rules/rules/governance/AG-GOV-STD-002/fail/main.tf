resource "aws_db_instance" "ledger" {
  identifier     = "ledger"
  engine         = "postgres"
  engine_version = "14.12"
  tags = {
    environment = "prod"
    cost-centre = "CC-4410-PAYMENTS"
  }
}
