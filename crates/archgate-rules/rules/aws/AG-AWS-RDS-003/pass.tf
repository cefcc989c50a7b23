resource "aws_db_instance" "monitored" {
  engine              = "postgres"
  instance_class      = "db.m6g.large"
  monitoring_interval = 60
  monitoring_role_arn = "arn:aws:iam::123456789012:role/rds-monitoring"
}

resource "aws_rds_cluster_instance" "member" {
  cluster_identifier  = "orders"
  instance_class      = "db.r6g.large"
  engine              = "aurora-mysql"
  monitoring_interval = 15
}
