resource "google_container_node_pool" "manual_upgrade" {
  name       = "manual-upgrade"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  management {
    auto_repair  = true
    auto_upgrade = false
  }
}

resource "google_container_node_pool" "upgrade_unset" {
  name       = "upgrade-unset"
  cluster    = google_container_cluster.primary.id
  node_count = 3
}
