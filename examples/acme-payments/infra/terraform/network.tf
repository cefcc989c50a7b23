# Production VPC: public (DMZ), application, data and CDE subnets in two AZs.
# Subnet plan agreed with network engineering (NET-1187).
#
# Untagged resources in this file link to the catalog Resource
# `vpc-prod-euw1` through its `iac.paths`; the security groups carry an
# archgate:component tag naming the component they protect.

locals {
  azs = ["eu-west-1a", "eu-west-1b"]

  public_subnets = { "eu-west-1a" = "10.40.0.0/22", "eu-west-1b" = "10.40.4.0/22" }
  app_subnets    = { "eu-west-1a" = "10.40.16.0/20", "eu-west-1b" = "10.40.32.0/20" }
  data_subnets   = { "eu-west-1a" = "10.40.48.0/21", "eu-west-1b" = "10.40.56.0/21" }
  cde_subnets    = { "eu-west-1a" = "10.40.64.0/21", "eu-west-1b" = "10.40.72.0/21" }
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "vpc-${var.environment}-euw1"
  }
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::${var.central_log_bucket}/vpc-flow-logs/"
}

resource "aws_subnet" "public" {
  for_each = local.public_subnets

  vpc_id                  = aws_vpc.main.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = {
    Name                     = "dmz-${each.key}"
    tier                     = "dmz"
    "kubernetes.io/role/elb" = "1"
  }
}

resource "aws_subnet" "app" {
  for_each = local.app_subnets

  vpc_id            = aws_vpc.main.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name                              = "app-${each.key}"
    tier                              = "app"
    "kubernetes.io/role/internal-elb" = "1"
  }
}

resource "aws_subnet" "data" {
  for_each = local.data_subnets

  vpc_id            = aws_vpc.main.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name = "data-${each.key}"
    tier = "data"
  }
}

resource "aws_subnet" "cde" {
  for_each = local.cde_subnets

  vpc_id            = aws_vpc.main.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = {
    Name = "cde-${each.key}"
    tier = "cde"
    pci  = "in-scope"
  }
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  # No rules: the default security group denies everything.
}

# Internet-facing ALB of the edge (behind CloudFront and AWS WAF).
resource "aws_security_group" "alb_public" {
  name        = "alb-public"
  description = "Public ALB behind CloudFront: HTTPS from the internet"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS from CloudFront and merchants"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "To the application subnets"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = values(local.app_subnets)
  }

  tags = {
    "archgate:component" = "edge-waf"
  }
}

resource "aws_security_group" "ledger_db" {
  name        = "ledger-db"
  description = "PostgreSQL from the application subnets only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "PostgreSQL from the app zone"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = values(local.app_subnets)
  }

  tags = {
    "archgate:component" = "ledger"
  }
}

resource "aws_security_group" "card_vault_db" {
  name        = "card-vault-db"
  description = "PostgreSQL from the CDE subnets only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "PostgreSQL from card-vault hosts"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = values(local.cde_subnets)
  }

  tags = {
    "archgate:component" = "card-vault"
  }
}

resource "aws_security_group" "customer_db" {
  name        = "customer-db"
  description = "PostgreSQL from the application subnets only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "PostgreSQL from the app zone"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = values(local.app_subnets)
  }

  tags = {
    "archgate:component" = "customer-profile"
  }
}

# Bastion for the HSM vendor's engineers during the CloudHSM migration.
resource "aws_security_group" "bastion" {
  name        = "bastion-hsm-migration"
  description = "SSH bastion for the CloudHSM migration"
  vpc_id      = aws_vpc.main.id

  # deliberate: SSH open to the whole internet. The vendor's engineers work
  # from changing IP addresses, so the range was opened "temporarily"
  # (exceptions/bastion-ssh-open.yaml, approved by its own requester).
  ingress {
    description = "SSH from vendor engineers"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "SSH to the CDE hosts"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = values(local.cde_subnets)
  }

  tags = {
    "archgate:component" = "card-vault"
  }
}
