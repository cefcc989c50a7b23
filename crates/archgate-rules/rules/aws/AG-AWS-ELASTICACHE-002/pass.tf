resource "aws_elasticache_replication_group" "tls" {
  replication_group_id       = "sessions-tls"
  description                = "session store"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
}
