resource "aws_iam_policy" "string" {
  name   = "admin-string"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
POLICY
}

resource "aws_iam_role_policy" "encoded" {
  role = "deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:*", "*"], Resource = "*" }
    ]
  })
}

data "aws_iam_policy_document" "doc" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
