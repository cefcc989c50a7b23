resource "aws_vpc" "locked" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_default_security_group" "locked" {
  vpc_id = aws_vpc.locked.id
}

variable "default_sg_rules" {
  type = list(any)
}

resource "aws_vpc" "module_style" {
  cidr_block = "10.3.0.0/16"
}

# Rules from a list archgate cannot resolve may be none at all.
resource "aws_default_security_group" "module_style" {
  vpc_id = aws_vpc.module_style.id
  dynamic "ingress" {
    for_each = var.default_sg_rules
    content {
      protocol    = ingress.value.protocol
      from_port   = ingress.value.from_port
      to_port     = ingress.value.to_port
      cidr_blocks = ingress.value.cidr_blocks
    }
  }
}
