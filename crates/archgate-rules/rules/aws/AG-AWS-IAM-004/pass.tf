data "aws_iam_policy_document" "scoped_app" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*"]
  }
  statement {
    actions   = ["ec2:DescribeInstances", "s3:ListAllMyBuckets", "xray:PutTraceSegments"]
    resources = ["*"]
  }
}
