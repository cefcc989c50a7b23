resource "aws_db_instance" "password_only" {
  engine         = "mysql"
  instance_class = "db.m6g.large"
}
