resource "google_container_cluster" "no_authorized_networks" {
  name               = "no-authorized-networks"
  location           = "europe-west1"
  initial_node_count = 1
}
