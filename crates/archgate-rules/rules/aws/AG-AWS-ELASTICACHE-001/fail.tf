resource "aws_elasticache_replication_group" "plain" {
  replication_group_id = "sessions"
  description          = "session store"
  node_type            = "cache.t4g.small"
}
