# Card vault database, inside the PCI CDE. Tier 1, stateful, restricted data.
# This is what the tier-1 stateful-service pattern asks for; use it as the
# reference when fixing ledger.tf.

resource "aws_kms_key" "card_vault" {
  description             = "Card vault database encryption key (PCI DSS 3.5, 3.6)"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = {
    "archgate:component" = "card-vault"
  }
}

resource "aws_kms_alias" "card_vault" {
  name          = "alias/card-vault-db"
  target_key_id = aws_kms_key.card_vault.key_id
}

resource "aws_db_subnet_group" "card_vault" {
  name       = "card-vault-db"
  subnet_ids = [for s in aws_subnet.cde : s.id]

  tags = {
    "archgate:component" = "card-vault"
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name = "rds-enhanced-monitoring"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = {
    "archgate:component" = "card-vault"
  }
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "card_vault" {
  identifier     = "card-vault-prod-euw1"
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = "db.r6g.large"

  allocated_storage     = 200
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.card_vault.arn

  db_name                             = "vault"
  username                            = "vault_admin"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  ca_cert_identifier                  = "rds-ca-rsa2048-g1"

  db_subnet_group_name   = aws_db_subnet_group.card_vault.name
  vpc_security_group_ids = [aws_security_group.card_vault_db.id]
  publicly_accessible    = false

  multi_az                = true
  backup_retention_period = 35
  backup_window           = "01:00-02:00"
  maintenance_window      = "sun:03:00-sun:04:00"
  copy_tags_to_snapshot   = true
  deletion_protection     = true

  monitoring_interval                   = 30
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.card_vault.arn
  performance_insights_retention_period = 7
  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]

  tags = {
    Name                 = "card-vault-prod-euw1"
    "archgate:component" = "card-vault"
    pci                  = "in-scope"
  }
}
