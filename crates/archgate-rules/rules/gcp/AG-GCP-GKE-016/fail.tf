resource "google_container_node_pool" "manual_repair" {
  name       = "manual-repair"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  management {
    auto_repair  = false
    auto_upgrade = true
  }
}

resource "google_container_node_pool" "repair_unset" {
  name       = "repair-unset"
  cluster    = google_container_cluster.primary.id
  node_count = 3
}
