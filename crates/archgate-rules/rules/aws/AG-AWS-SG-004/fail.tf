resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_security_group" "api" {
  description = "API tier"
  vpc_id      = "vpc-0123456789abcdef0"
  egress {
    description = "HTTPS to anywhere in the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group_rule" "db" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.0.1.0/24"]
  security_group_id = "sg-0123456789abcdef0"
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = "10.0.2.0/24"
  from_port         = 6379
  to_port           = 6379
  ip_protocol       = "tcp"
  description       = ""
}
