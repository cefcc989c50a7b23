resource "aws_elb" "logged" {
  availability_zones = ["eu-west-1a"]
  access_logs {
    bucket   = "lb-logs"
    interval = 60
  }
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}
