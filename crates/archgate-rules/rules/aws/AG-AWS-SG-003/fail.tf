resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "everything" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv6         = "::/0"
  ip_protocol       = "-1"
}
