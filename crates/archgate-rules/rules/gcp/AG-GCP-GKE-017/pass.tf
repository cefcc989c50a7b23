resource "google_container_node_pool" "secure_boot" {
  name       = "secure-boot"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    machine_type = "e2-standard-4"
    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
