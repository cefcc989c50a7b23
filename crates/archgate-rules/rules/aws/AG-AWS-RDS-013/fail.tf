resource "aws_rds_cluster" "passwords" {
  engine = "aurora-mysql"
}
