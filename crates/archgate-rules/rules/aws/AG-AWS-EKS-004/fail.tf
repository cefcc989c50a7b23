resource "aws_eks_cluster" "default_cidrs" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
resource "aws_eks_cluster" "open" {
  name     = "batch"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-0123456789abcdef0"]
    public_access_cidrs = ["0.0.0.0/0"]
  }
}
