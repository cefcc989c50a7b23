resource "google_container_cluster" "routes_based" {
  name               = "routes-based"
  location           = "europe-west1"
  initial_node_count = 1
}
