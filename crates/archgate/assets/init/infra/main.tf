# Infrastructure of the orders component, linked to it by the
# archgate:component tag (and by the component's iac.paths).

resource "aws_kms_key" "orders" {
  description             = "Orders data and logs"
  deletion_window_in_days = 30
  # deliberate: the key never rotates. `archgate check` reports it; set
  # `enable_key_rotation = true` and run it again.
  enable_key_rotation = false

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdmin"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = {
    "archgate:component" = "orders"
  }
}

# 90 days of retention is below the one-year default guardrail; waived by
# exceptions/orders-log-retention.yaml, so it is reported as suppressed.
resource "aws_cloudwatch_log_group" "orders" {
  name              = "/example/orders"
  retention_in_days = 90
  kms_key_id        = aws_kms_key.orders.arn

  tags = {
    "archgate:component" = "orders"
  }
}
