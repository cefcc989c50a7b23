resource "aws_db_instance" "recon" {
  identifier     = "scheme-recon"
  engine         = "postgres"
  engine_version = "16.4"
  tags = {
    environment = "prod"
    cost-centre = "CC-4410-PAYMENTS"
  }
}
