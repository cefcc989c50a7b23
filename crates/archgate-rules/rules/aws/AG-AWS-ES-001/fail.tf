resource "aws_opensearch_domain" "plain" {
  domain_name = "search"
}
