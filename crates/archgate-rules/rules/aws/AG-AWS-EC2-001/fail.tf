resource "aws_instance" "no_options" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
}

resource "aws_instance" "optional_tokens" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_launch_template" "nodes" {
  name_prefix   = "nodes-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "m6i.large"
}
