module "vpc_pinned" {
  # v5.8.1
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git?ref=25322b6b6be69db6cca7f167d7b0e5327156a595"
}

module "naming" {
  source = "./modules/naming"
}
