resource "aws_security_group" "described_web" {
  name        = "web"
  description = "Web tier"
  vpc_id      = "vpc-0123456789abcdef0"
  ingress {
    description = "HTTPS from the internal load balancer"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = "sg-0123456789abcdef0"
  description       = "HTTPS to AWS APIs through the endpoints"
  cidr_ipv4         = "10.0.0.0/16"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

variable "rule_description" {
  type = string
}

# An unresolved description is not reported.
resource "aws_security_group_rule" "described_db" {
  type              = "ingress"
  description       = var.rule_description
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.0.1.0/24"]
  security_group_id = "sg-0123456789abcdef0"
}
