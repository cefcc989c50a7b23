resource "aws_db_instance" "protected" {
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  deletion_protection = true
}

variable "protect" {
  type = bool
}

# An unresolved value is unknown and never reported.
resource "aws_db_instance" "from_variable" {
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  deletion_protection = var.protect
}
