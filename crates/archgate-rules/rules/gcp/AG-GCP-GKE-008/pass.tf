resource "google_container_cluster" "intranode" {
  name               = "intranode"
  location           = "europe-west1"
  initial_node_count = 1
  enable_intranode_visibility = true
}
