resource "google_container_cluster" "public_nodes" {
  name               = "public-nodes"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "private_config_only" {
  name               = "private-config-only"
  location           = "europe-west1"
  initial_node_count = 1
  private_cluster_config {
    enable_private_nodes    = false
    enable_private_endpoint = false
  }
}
