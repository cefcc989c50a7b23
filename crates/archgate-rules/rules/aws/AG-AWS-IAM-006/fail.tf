resource "aws_iam_role_policy" "ops" {
  name   = "ops"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:*", "ec2:*"],
      "Resource": "*"
    }
  ]
}
POLICY
  role   = "ops"
}

data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["ssm:GetParametersByPath", "ssm:DescribeParameters"]
    resources = ["*"]
  }
}
