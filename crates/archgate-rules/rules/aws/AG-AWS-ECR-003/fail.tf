resource "aws_ecr_repository" "aes" {
  name = "app"
}
