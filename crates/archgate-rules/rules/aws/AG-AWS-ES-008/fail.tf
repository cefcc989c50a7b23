resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_type  = "r6g.large.search"
    instance_count = 3
  }
}

resource "aws_elasticsearch_domain" "legacy" {
  domain_name = "legacy"
  cluster_config {
    instance_type            = "r5.large.elasticsearch"
    dedicated_master_enabled = false
  }
}
