resource "aws_security_group" "orphan" {
  name        = "orphan"
  description = "not used by anything"
  vpc_id      = "vpc-0123456789abcdef0"
}

# A rule of the group does not make it used.
resource "aws_vpc_security_group_ingress_rule" "orphan_https" {
  security_group_id = aws_security_group.orphan.id
  cidr_ipv4         = "10.0.0.0/8"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}
