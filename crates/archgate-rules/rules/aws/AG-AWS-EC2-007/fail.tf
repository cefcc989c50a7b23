resource "aws_ebs_volume" "aws_key" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}
