resource "aws_db_instance" "public" {
  engine              = "postgres"
  instance_class      = "db.m6g.large"
  publicly_accessible = true
}

resource "aws_rds_cluster_instance" "public" {
  cluster_identifier  = "orders"
  instance_class      = "db.r6g.large"
  engine              = "aurora-mysql"
  publicly_accessible = true
}
