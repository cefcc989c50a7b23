resource "aws_lb" "logged" {
  name               = "web-logged"
  load_balancer_type = "application"
  subnets            = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  access_logs {
    bucket  = "lb-logs"
    enabled = true
  }
}

resource "aws_lb" "gateway" {
  name               = "inspection"
  load_balancer_type = "gateway"
  subnets            = ["subnet-0123456789abcdef0"]
}
