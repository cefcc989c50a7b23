resource "aws_instance" "optimized" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m4.large"
  ebs_optimized = true
}

variable "ebs_optimized" {
  type = bool
}

resource "aws_instance" "from_input" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"
  ebs_optimized = var.ebs_optimized
}
