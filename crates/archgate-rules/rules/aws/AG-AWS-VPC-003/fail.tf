resource "aws_vpc" "unlogged" {
  cidr_block = "10.0.0.0/16"
}
