resource "aws_ecr_repository" "scanned" {
  name = "app-scanned"
  image_scanning_configuration {
    scan_on_push = true
  }
}
