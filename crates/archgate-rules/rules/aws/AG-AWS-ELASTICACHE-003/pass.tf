variable "auth_token" {
  type      = string
  sensitive = true
}

resource "aws_elasticache_replication_group" "authenticated" {
  replication_group_id       = "sessions-auth"
  description                = "session store"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
  auth_token                 = var.auth_token
}
