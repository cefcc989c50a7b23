resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_count           = 3
    dedicated_master_enabled = true
    dedicated_master_count   = 3
    zone_awareness_enabled   = true
    zone_awareness_config {
      availability_zone_count = 3
    }
  }
}
