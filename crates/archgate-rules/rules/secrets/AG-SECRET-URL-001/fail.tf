resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "example/app:1.0.0"
    environment = [{
      name  = "DATABASE_URL"
      value = "postgres://app:Xk9#mQ2v@db.internal:5432/app"  # <- finding
    }]
  }])
}
