resource "aws_db_instance" "recon" {
  identifier     = "scheme-recon"
  engine         = "mysql"
  engine_version = "8.4.3"
  tags = {
    environment = "prod"
    cost-centre = "CC-4410-PAYMENTS"
  }
}
