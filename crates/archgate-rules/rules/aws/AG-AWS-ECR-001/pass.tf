resource "aws_ecr_repository" "immutable" {
  name                 = "app-immutable"
  image_tag_mutability = "IMMUTABLE"
}
