resource "aws_lb" "strict" {
  name                       = "web-strict"
  subnets                    = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  drop_invalid_header_fields = true
}

resource "aws_lb" "tcp" {
  name               = "tcp"
  load_balancer_type = "network"
  subnets            = ["subnet-0123456789abcdef0"]
}
