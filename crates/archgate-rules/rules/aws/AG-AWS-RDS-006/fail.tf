resource "aws_db_instance" "no_backups" {
  engine                  = "postgres"
  instance_class          = "db.m6g.large"
  backup_retention_period = 0
}

resource "aws_rds_cluster" "no_backups" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 0
}
