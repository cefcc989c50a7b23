resource "aws_iam_role_policy" "deploy" {
  name = "deploy"
  role = "ci"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sts:AssumeRole"]
        Resource = "arn:aws:iam::123456789012:role/deploy"
      },
      {
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken", "ec2:Describe*"]
        Resource = "*"
      }
    ]
  })
}
