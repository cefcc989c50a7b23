resource "aws_ecs_task_definition" "worker" {
  family = "worker"
  container_definitions = jsonencode([{
    name  = "worker"
    image = "example/worker:1.0.0"
    environment = [{
      name  = "DATABASE_URL"
      value = "postgres://app@db.internal:5432/app"
    }]
  }])
}
