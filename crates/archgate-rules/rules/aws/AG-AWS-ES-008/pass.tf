resource "aws_opensearch_domain" "dedicated_masters" {
  domain_name = "search"
  cluster_config {
    instance_type            = "r6g.large.search"
    instance_count           = 3
    dedicated_master_enabled = true
    dedicated_master_type    = "m6g.large.search"
    dedicated_master_count   = 3
  }
}
