resource "google_container_node_pool" "node_metadata_exposed" {
  name       = "node-metadata-exposed"
  cluster    = google_container_cluster.primary.id
  node_count = 3
  node_config {
    machine_type = "e2-standard-4"
  }
}

resource "google_container_cluster" "cluster_metadata_exposed" {
  name               = "cluster-metadata-exposed"
  location           = "europe-west1"
  initial_node_count = 1
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}
