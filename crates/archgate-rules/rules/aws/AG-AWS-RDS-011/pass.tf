resource "aws_db_instance" "tagged_snapshots" {
  engine                = "postgres"
  instance_class        = "db.m6g.large"
  copy_tags_to_snapshot = true
}
