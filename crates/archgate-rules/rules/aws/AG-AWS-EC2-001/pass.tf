resource "aws_instance" "v2_only" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }
}

resource "aws_launch_template" "no_metadata" {
  name_prefix = "batch-"
  image_id    = "ami-0abcdef1234567890"
  metadata_options {
    http_endpoint = "disabled"
  }
}
