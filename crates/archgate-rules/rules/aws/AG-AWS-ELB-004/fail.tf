resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1"
  }
}

resource "aws_lb" "app" {
  name    = "app"
  subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
}

# No protocol on an application load balancer's listener means HTTP.
resource "aws_lb_listener" "implicit_http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 8080
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/app/1"
  }
}
