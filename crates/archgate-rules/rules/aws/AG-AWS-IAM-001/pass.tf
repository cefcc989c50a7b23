resource "aws_iam_policy" "scoped" {
  name   = "scoped"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" },
    { "Effect": "Deny", "Action": "*", "Resource": "*" }
  ]
}
POLICY
}

resource "aws_iam_role_policy" "from_document" {
  role   = "deploy"
  policy = data.aws_iam_policy_document.scoped.json
}

data "aws_iam_policy_document" "scoped" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
  }
}
