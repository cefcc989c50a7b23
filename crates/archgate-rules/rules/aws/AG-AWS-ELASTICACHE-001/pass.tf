resource "aws_elasticache_replication_group" "encrypted" {
  replication_group_id       = "sessions-encrypted"
  description                = "session store"
  node_type                  = "cache.t4g.small"
  at_rest_encryption_enabled = true
}
