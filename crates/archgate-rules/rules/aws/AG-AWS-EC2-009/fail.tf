resource "aws_instance" "no_role" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}
