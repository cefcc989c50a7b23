resource "aws_instance" "with_role" {
  ami                  = "ami-0abcdef1234567890"
  instance_type        = "t3.micro"
  iam_instance_profile = "app-profile"
}
