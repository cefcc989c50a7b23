resource "aws_ecr_repository" "unscanned" {
  name = "app"
}
