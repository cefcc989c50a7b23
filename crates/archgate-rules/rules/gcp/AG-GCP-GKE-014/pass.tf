resource "google_container_node_pool" "gke_metadata" {
  name       = "gke-metadata"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    machine_type = "e2-standard-4"
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
