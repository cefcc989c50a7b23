data "aws_iam_policy_document" "scoped_ci" {
  statement {
    actions   = ["iam:AttachRolePolicy"]
    resources = ["arn:aws:iam::123456789012:role/app-*"]
  }
  statement {
    actions   = ["iam:Get*", "iam:List*", "s3:PutObject"]
    resources = ["*"]
  }
}

variable "policy_json" {
  type = string
}

# A policy archgate cannot read is not reported.
resource "aws_iam_policy" "external" {
  name   = "external"
  policy = var.policy_json
}
