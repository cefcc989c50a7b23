resource "aws_ecr_repository" "kms" {
  name = "app-kms"
  encryption_configuration {
    encryption_type = "KMS"
  }
}
