resource "aws_rds_cluster" "tagged_orders" {
  engine                = "aurora-postgresql"
  copy_tags_to_snapshot = true
}
