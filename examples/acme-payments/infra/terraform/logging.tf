# Application logs of the payments namespace, shipped by Fluent Bit.
#
# deliberate: 30 days of retention. PCI DSS 10.5.1 requires a year of audit
# log history, three months of it immediately available.
resource "aws_cloudwatch_log_group" "payments_api" {
  name              = "/acme/prod/payments/payments-api"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.logs.arn

  tags = {
    "archgate:component" = "payments-api"
  }
}

resource "aws_kms_key" "logs" {
  description             = "CloudWatch Logs encryption key for the payments namespace"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdmin"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
      }
    ]
  })

  tags = {
    "archgate:component" = "payments-api"
  }
}

data "aws_caller_identity" "current" {}
