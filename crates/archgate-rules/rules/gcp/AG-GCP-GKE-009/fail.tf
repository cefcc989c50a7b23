resource "google_container_cluster" "user_bindings" {
  name               = "user-bindings"
  location           = "europe-west1"
  initial_node_count = 1
}
