# Customer profile database. Tier 2, stateful, personal data (GDPR).

resource "aws_kms_key" "customer" {
  description             = "Customer database encryption key"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = {
    "archgate:component" = "customer-profile"
  }
}

resource "aws_db_subnet_group" "customer" {
  name       = "customer-db"
  subnet_ids = [for s in aws_subnet.data : s.id]

  tags = {
    "archgate:component" = "customer-profile"
  }
}

resource "aws_db_instance" "customer" {
  identifier     = "customer-prod-euw1"
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = "db.r6g.large"

  allocated_storage     = 100
  max_allocated_storage = 400
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.customer.arn

  db_name                             = "customer"
  username                            = "customer_admin"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
  ca_cert_identifier                  = "rds-ca-rsa2048-g1"

  db_subnet_group_name   = aws_db_subnet_group.customer.name
  vpc_security_group_ids = [aws_security_group.customer_db.id]
  publicly_accessible    = false

  multi_az                = true
  backup_retention_period = 14
  backup_window           = "01:30-02:30"
  maintenance_window      = "sun:04:00-sun:05:00"
  copy_tags_to_snapshot   = true
  deletion_protection     = true

  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.customer.arn
  performance_insights_retention_period = 7
  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]

  tags = {
    Name                 = "customer-prod-euw1"
    "archgate:component" = "customer-profile"
  }
}
