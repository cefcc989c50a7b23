resource "aws_eks_cluster" "prod" {
  name     = "eks-prod-euw1"
  version  = "1.34"
  role_arn = aws_iam_role.eks.arn
  tags = {
    environment = "prod"
    cost-centre = "CC-4410-PAYMENTS"
  }
}
