resource "aws_opensearch_domain" "fine_grained" {
  domain_name = "search"
  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = false
    master_user_options {
      master_user_arn = "arn:aws:iam::123456789012:role/search-admin"
    }
  }
}
