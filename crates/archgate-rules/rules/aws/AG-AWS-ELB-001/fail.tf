resource "aws_lb" "no_logs" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
}

resource "aws_lb" "logs_off" {
  name               = "tcp"
  load_balancer_type = "network"
  subnets            = ["subnet-0123456789abcdef0"]
  access_logs {
    bucket  = "lb-logs"
    enabled = false
  }
}
