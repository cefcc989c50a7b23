resource "google_container_cluster" "shielded" {
  name               = "shielded"
  location           = "europe-west1"
  initial_node_count = 1
  enable_shielded_nodes = true
}

resource "google_container_cluster" "shielded_default" {
  name               = "shielded-default"
  location           = "europe-west1"
  initial_node_count = 1
}
