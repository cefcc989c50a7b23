data "aws_availability_zones" "all" {}

data "aws_availability_zones" "regular" {
  state = "available"
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}
