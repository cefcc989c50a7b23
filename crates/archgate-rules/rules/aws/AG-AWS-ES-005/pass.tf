resource "aws_opensearch_domain" "private" {
  domain_name = "search-private"
  vpc_options {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
