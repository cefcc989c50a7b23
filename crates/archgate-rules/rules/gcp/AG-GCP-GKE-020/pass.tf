resource "google_container_node_pool" "integrity" {
  name       = "integrity"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
