resource "aws_ecr_repository" "mutable" {
  name = "app"
}
