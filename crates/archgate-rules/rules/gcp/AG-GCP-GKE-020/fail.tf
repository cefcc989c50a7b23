resource "google_container_node_pool" "no_integrity" {
  name       = "no-integrity"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    shielded_instance_config {
      enable_integrity_monitoring = false
    }
  }
}
