resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_instance" "web" {
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_security_group" "exported" {
  name        = "exported"
  description = "used by callers of this module"
  vpc_id      = "vpc-0123456789abcdef0"
}

output "exported_security_group_id" {
  value = aws_security_group.exported.id
}
