resource "aws_rds_cluster" "orders" {
  engine = "aurora-postgresql"
}

resource "aws_backup_selection" "orders" {
  name         = "orders"
  plan_id      = "plan-0123"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = [aws_rds_cluster.orders.arn]
}
