resource "aws_opensearch_domain" "default_tls" {
  domain_name = "search"
}

resource "aws_opensearch_domain" "tls10" {
  domain_name = "search-old"
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }
}
