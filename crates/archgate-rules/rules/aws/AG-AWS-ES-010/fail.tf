resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  vpc_options {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
