resource "google_container_node_pool" "auto_repair" {
  name       = "auto-repair"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  management {
    auto_repair  = true
    auto_upgrade = true
  }
}
