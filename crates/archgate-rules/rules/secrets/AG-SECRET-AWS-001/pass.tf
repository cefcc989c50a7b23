provider "aws" {
  alias   = "prod"
  region  = "eu-west-1"
  profile = "prod"
}

resource "aws_instance" "api" {
  ami                  = "ami-0c55b159cbfafe1f0"
  instance_type        = "t3.micro"
  iam_instance_profile = "api"
  user_data            = <<EOF
#!/bin/bash
aws s3 cp s3://config-bucket/app.env /etc/app.env
EOF
}
