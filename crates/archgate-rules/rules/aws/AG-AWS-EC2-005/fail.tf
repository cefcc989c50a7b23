resource "aws_instance" "no_root_block" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}

resource "aws_instance" "data_volume" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 100
  }
}
