resource "aws_db_instance" "default_retention" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_rds_cluster" "two_weeks" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 14
}
