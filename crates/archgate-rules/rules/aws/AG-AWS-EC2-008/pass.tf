resource "aws_instance" "private" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  subnet_id     = "subnet-0123456789abcdef0"
}

resource "aws_launch_template" "private" {
  name_prefix = "app-"
  image_id    = "ami-0abcdef1234567890"
  network_interfaces {
    associate_public_ip_address = false
  }
}
