data "aws_iam_policy_document" "scoped" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf"]
  }
  statement {
    actions   = ["s3:ListAllMyBuckets", "ssm:DescribeParameters"]
    resources = ["*"]
  }
}
