resource "aws_db_instance" "ha" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
  multi_az       = true
}
