# Core ledger database. Tier 1 (book of record), stateful.
#
# deliberate: this instance predates the tier-1 stateful-service pattern and
# shows the gaps it is meant to catch:
#   - single-AZ (waived until 2027-06-30 by exceptions/ledger-db-single-az.yaml),
#   - no deletion protection,
#   - no enhanced monitoring,
#   - 7 days of automated backups where tier 1 requires 35,
#   - PostgreSQL 13, past end of life (standards/technologies.yaml),
#   - its KMS key does not rotate.

resource "aws_kms_key" "ledger" {
  description             = "Ledger database encryption key"
  deletion_window_in_days = 30
  # deliberate: enable_key_rotation is not set, so the key never rotates.

  tags = {
    "archgate:component" = "ledger"
  }
}

resource "aws_kms_alias" "ledger" {
  name          = "alias/ledger-db"
  target_key_id = aws_kms_key.ledger.key_id
}

resource "aws_db_subnet_group" "ledger" {
  name       = "ledger-db"
  subnet_ids = [for s in aws_subnet.data : s.id]

  tags = {
    "archgate:component" = "ledger"
  }
}

resource "aws_db_instance" "ledger" {
  identifier     = "ledger-prod-euw1"
  engine         = "postgres"
  engine_version = "13.14"
  instance_class = "db.r6g.xlarge"

  allocated_storage     = 500
  max_allocated_storage = 2000
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.ledger.arn

  db_name                             = "ledger"
  username                            = "ledger_admin"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true

  db_subnet_group_name   = aws_db_subnet_group.ledger.name
  vpc_security_group_ids = [aws_security_group.ledger_db.id]
  publicly_accessible    = false

  multi_az                = false
  backup_retention_period = 7
  backup_window           = "01:00-02:00"
  maintenance_window      = "sun:03:00-sun:04:00"
  copy_tags_to_snapshot   = true
  deletion_protection     = false

  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  tags = {
    Name                 = "ledger-prod-euw1"
    "archgate:component" = "ledger"
  }
}
