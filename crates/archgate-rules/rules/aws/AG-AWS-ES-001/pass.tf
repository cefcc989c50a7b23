resource "aws_opensearch_domain" "encrypted" {
  domain_name = "search-encrypted"
  encrypt_at_rest {
    enabled = true
  }
}
