resource "aws_db_instance" "untagged_snapshots" {
  engine         = "postgres"
  instance_class = "db.m6g.large"
  tags           = { owner = "payments" }
}
