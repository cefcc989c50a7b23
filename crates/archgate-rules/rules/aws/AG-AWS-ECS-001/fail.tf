resource "aws_ecs_cluster" "missing" {
  name = "apps"
}

resource "aws_ecs_cluster" "disabled" {
  name = "batch"
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
}
