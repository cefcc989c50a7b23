resource "aws_instance" "detailed" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  monitoring    = true
}
