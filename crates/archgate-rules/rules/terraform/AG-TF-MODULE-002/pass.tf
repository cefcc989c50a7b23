module "vpc_pinned" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.8"
}

module "network_pinned" {
  source = "git::https://github.com/acme/terraform-network.git?ref=v1.4.0"
}

module "naming" {
  source = "./modules/naming"
}
