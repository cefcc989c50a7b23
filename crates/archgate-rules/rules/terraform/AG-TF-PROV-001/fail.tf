terraform {
  required_providers {
    aws = {  # <- finding
      source = "hashicorp/aws"
    }
  }
}
