resource "google_container_cluster" "labelled" {
  name               = "labelled"
  location           = "europe-west1"
  initial_node_count = 1
  resource_labels = {
    team = "platform"
    env  = "prod"
  }
}
