module "vpc" {
  source = "terraform-aws-modules/vpc/aws"  # <- finding
}

module "network" {
  source = "git::https://github.com/acme/terraform-network.git"  # <- finding
}
