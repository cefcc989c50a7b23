resource "aws_iam_policy" "scoped_deploy" {
  name   = "scoped-deploy"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecs:UpdateService"],
      "Resource": "arn:aws:ecs:eu-west-1:123456789012:service/apps/web"
    },
    {
      "Effect": "Allow",
      "Action": ["ecs:Describe*", "ecs:List*", "cloudwatch:PutMetricData"],
      "Resource": "*"
    }
  ]
}
POLICY
}

data "aws_iam_policy_document" "tag_scoped" {
  statement {
    actions   = ["ec2:StartInstances", "ec2:StopInstances"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/team"
      values   = ["payments"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }
}

# A key policy: "*" is the key itself.
data "aws_iam_policy_document" "key_policy" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}
