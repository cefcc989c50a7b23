# IAM for the settlement batch (IRSA role on the shared cluster).

data "aws_iam_policy_document" "settlement_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${replace(aws_eks_cluster.prod.identity[0].oidc[0].issuer, "https://", "")}:sub"
      values   = ["system:serviceaccount:ledger:settlement-batch"]
    }
  }
}

resource "aws_iam_role" "settlement_batch" {
  name               = "settlement-batch"
  assume_role_policy = data.aws_iam_policy_document.settlement_assume.json

  tags = {
    "archgate:component" = "settlement-batch"
  }
}

# deliberate: every action on every resource. Granted during the move off the
# mainframe scheduler "until we know which calls the batch makes"
# (SETL-118); CloudTrail has had the answer for months.
resource "aws_iam_policy" "settlement_batch" {
  name        = "settlement-batch"
  description = "Settlement batch runtime permissions"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "SettlementBatch"
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      }
    ]
  })

  tags = {
    "archgate:component" = "settlement-batch"
  }
}

resource "aws_iam_role_policy_attachment" "settlement_batch" {
  role       = aws_iam_role.settlement_batch.name
  policy_arn = aws_iam_policy.settlement_batch.arn
}
