resource "google_container_cluster" "no_intranode" {
  name               = "no-intranode"
  location           = "europe-west1"
  initial_node_count = 1
}
