resource "aws_db_instance" "enabled" {
  engine                       = "postgres"
  instance_class               = "db.m6g.large"
  performance_insights_enabled = true
}

resource "aws_rds_cluster_instance" "insightful_member" {
  cluster_identifier           = "orders"
  instance_class               = "db.r6g.large"
  engine                       = "aurora-postgresql"
  performance_insights_enabled = true
}

resource "aws_db_instance" "db2" {
  engine         = "db2-se"
  instance_class = "db.m6i.large"
}
