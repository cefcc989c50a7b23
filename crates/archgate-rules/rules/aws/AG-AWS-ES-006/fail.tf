resource "aws_opensearch_domain" "aws_key" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}
