resource "aws_security_group" "search" {
  name        = "search"
  description = "HTTPS from the API only"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_opensearch_domain" "own_group" {
  domain_name = "search"
  vpc_options {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = [aws_security_group.search.id]
  }
}

# Outside a VPC: AG-AWS-ES-005 reports it, not this rule.
resource "aws_opensearch_domain" "public" {
  domain_name = "public"
}
