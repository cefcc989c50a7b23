resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
      "Resource": "*"
    }
  ]
}
POLICY
}

resource "aws_iam_role_policy" "queue_admin" {
  name = "queue-admin"
  role = "worker"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "sqs:*"
        Resource = "*"
      }
    ]
  })
}

data "aws_iam_policy_document" "writer" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    actions   = ["dynamodb:Put*"]
    resources = ["*"]
  }
}
