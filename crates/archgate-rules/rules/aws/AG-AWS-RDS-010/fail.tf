resource "aws_db_instance" "pinned" {
  engine                     = "postgres"
  instance_class             = "db.m6g.large"
  auto_minor_version_upgrade = false
}

resource "aws_rds_cluster_instance" "pinned" {
  cluster_identifier         = "orders"
  instance_class             = "db.r6g.large"
  engine                     = "aurora-postgresql"
  auto_minor_version_upgrade = false
}
