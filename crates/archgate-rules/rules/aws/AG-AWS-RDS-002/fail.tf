resource "aws_db_instance" "missing" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
}

resource "aws_rds_cluster_instance" "member" {
  cluster_identifier           = "orders"
  instance_class               = "db.r6g.large"
  engine                       = "aurora-postgresql"
  performance_insights_enabled = false
}
