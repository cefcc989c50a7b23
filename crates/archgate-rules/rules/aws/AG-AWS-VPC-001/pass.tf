resource "aws_subnet" "private" {
  vpc_id     = "vpc-0123456789abcdef0"
  cidr_block = "10.0.2.0/24"
}

resource "aws_subnet" "explicit" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.3.0/24"
  map_public_ip_on_launch = false
}
