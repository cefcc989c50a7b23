module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"  # <- finding
  version = "5.8.1"
}

module "network" {
  source = "git::https://github.com/acme/terraform-network.git?ref=v1.4.0"  # <- finding
}
