resource "aws_rds_cluster" "missing" {
  engine = "aurora-mysql"
}

resource "aws_rds_cluster" "zero" {
  engine           = "aurora-mysql"
  backtrack_window = 0
}
