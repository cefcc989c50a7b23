resource "google_container_cluster" "no_binauthz" {
  name               = "no-binauthz"
  location           = "europe-west1"
  initial_node_count = 1
}
