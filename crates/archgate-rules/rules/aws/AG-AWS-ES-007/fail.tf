resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}

resource "aws_elasticsearch_domain" "legacy" {
  domain_name = "legacy"
  advanced_security_options {
    enabled                        = false
    internal_user_database_enabled = true
  }
}
