resource "aws_eks_cluster" "restricted" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-0123456789abcdef0"]
    public_access_cidrs = ["203.0.113.0/24"]
  }
}

resource "aws_eks_cluster" "private" {
  name     = "batch"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids             = ["subnet-0123456789abcdef0"]
    endpoint_public_access = false
  }
}
