resource "aws_security_group" "windows" {
  name = "windows"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "rdp_udp" {
  type              = "ingress"
  from_port         = 3000
  to_port           = 4000
  protocol          = "udp"
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = "sg-0123456789abcdef0"
}
