resource "aws_rds_cluster" "rewindable" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}

resource "aws_rds_cluster" "postgres" {
  engine = "aurora-postgresql"
}
