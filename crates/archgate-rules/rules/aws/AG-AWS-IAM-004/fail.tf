resource "aws_iam_role_policy" "reader" {
  role = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = "*"
      }
    ]
  })
}

data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:Get*"]
    resources = ["*"]
  }
}
