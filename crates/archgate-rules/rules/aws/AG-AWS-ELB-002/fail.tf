resource "aws_lb" "default_type" {
  name    = "web"
  subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
}

resource "aws_alb" "explicit_off" {
  name                       = "api"
  subnets                    = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  drop_invalid_header_fields = false
}
