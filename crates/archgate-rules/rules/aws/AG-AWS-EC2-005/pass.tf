resource "aws_instance" "encrypted" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 100
    encrypted   = true
  }
}

resource "aws_launch_configuration" "from_snapshot" {
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdg"
    snapshot_id = "snap-0123456789abcdef0"
  }
}
