resource "aws_eks_cluster" "partial" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
  enabled_cluster_log_types = ["api", "audit"]
}

resource "aws_eks_cluster" "none" {
  name     = "batch"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
