resource "aws_opensearch_domain" "one_master" {
  domain_name = "search"
  cluster_config {
    dedicated_master_enabled = true
    dedicated_master_count   = 1
  }
}

resource "aws_opensearch_domain" "one_zone" {
  domain_name = "search-b"
  cluster_config {
    dedicated_master_enabled = true
    dedicated_master_count   = 3
  }
}
