resource "aws_iam_user_policy" "bucket_admin" {
  name = "bucket-admin"
  user = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutBucketPolicy"]
        Resource = "*"
      }
    ]
  })
}

data "aws_iam_policy_document" "ci" {
  statement {
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }
  statement {
    actions   = ["iam:*"]
    resources = ["*"]
  }
}
