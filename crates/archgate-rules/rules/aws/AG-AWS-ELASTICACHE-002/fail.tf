resource "aws_elasticache_replication_group" "cleartext" {
  replication_group_id       = "sessions"
  description                = "session store"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = false
}
