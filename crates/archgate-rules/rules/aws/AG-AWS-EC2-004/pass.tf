data "aws_availability_zones" "by_id" {
  state = "available"
  filter {
    name   = "zone-id"
    values = ["euw1-az1", "euw1-az2"]
  }
}

data "aws_availability_zones" "by_name" {
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
  filter {
    name   = "zone-name"
    values = ["eu-west-1a", "eu-west-1b"]
  }
}

variable "zone_filter" {
  type = string
}

# A filter name archgate cannot resolve may pin the zones; not reported.
data "aws_availability_zones" "unknown" {
  filter {
    name   = var.zone_filter
    values = ["euw1-az1"]
  }
}
