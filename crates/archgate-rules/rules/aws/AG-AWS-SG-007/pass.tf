resource "aws_vpc" "locked" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_default_security_group" "locked" {
  vpc_id = aws_vpc.locked.id
}
