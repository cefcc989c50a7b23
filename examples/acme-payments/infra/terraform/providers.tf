provider "aws" {
  region = var.region

  # Tags every resource carries. The component link (archgate:component) is
  # set per resource, because one account hosts many components.
  default_tags {
    tags = {
      environment         = var.environment
      cost-centre         = "CC-4410-PAYMENTS"
      managed-by          = "terraform"
      repository          = "acme-bank/payments-infra"
      data-classification = "confidential"
    }
  }
}
