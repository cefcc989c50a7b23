resource "aws_instance" "public" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}

resource "aws_launch_template" "public" {
  name_prefix = "web-"
  image_id    = "ami-0abcdef1234567890"
  network_interfaces {
    associate_public_ip_address = true
  }
}
