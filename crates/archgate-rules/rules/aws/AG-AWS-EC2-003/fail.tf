resource "aws_instance" "basic_monitoring" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}
