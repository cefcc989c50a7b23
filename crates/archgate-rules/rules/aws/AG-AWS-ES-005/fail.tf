resource "aws_opensearch_domain" "public" {
  domain_name = "search"
}
