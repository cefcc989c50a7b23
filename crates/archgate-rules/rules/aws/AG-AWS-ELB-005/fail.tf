resource "aws_elb" "no_logs" {
  availability_zones = ["eu-west-1a"]
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}

resource "aws_elb" "logs_off" {
  availability_zones = ["eu-west-1a"]
  access_logs {
    bucket  = "lb-logs"
    enabled = false
  }
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}
