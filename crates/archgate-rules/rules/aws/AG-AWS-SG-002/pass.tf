resource "aws_security_group" "windows_internal" {
  name = "windows-internal"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

variable "admin_cidr" {
  type = string
}

resource "aws_vpc_security_group_ingress_rule" "rdp_admin" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = var.admin_cidr
  from_port         = 3389
  to_port           = 3389
  ip_protocol       = "tcp"
}
