resource "aws_instance" "db" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m4.large"
}

resource "aws_instance" "cache" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "r4.large"
  ebs_optimized = false
}
