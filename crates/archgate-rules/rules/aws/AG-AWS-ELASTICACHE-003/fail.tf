resource "aws_elasticache_replication_group" "no_auth" {
  replication_group_id       = "sessions"
  description                = "session store"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
}

resource "aws_elasticache_replication_group" "no_tls" {
  replication_group_id = "cache"
  description          = "page cache"
  node_type            = "cache.t4g.small"
  user_group_ids       = ["app-users"]
}
