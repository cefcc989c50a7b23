resource "google_container_cluster" "unlabelled" {
  name               = "unlabelled"
  location           = "europe-west1"
  initial_node_count = 1
}
