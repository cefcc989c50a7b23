resource "aws_eks_cluster" "plain" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
