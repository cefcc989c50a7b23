resource "aws_subnet" "public" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}
