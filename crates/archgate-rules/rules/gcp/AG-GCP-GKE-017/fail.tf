resource "google_container_node_pool" "no_secure_boot" {
  name       = "no-secure-boot"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    machine_type = "e2-standard-4"
  }
}
