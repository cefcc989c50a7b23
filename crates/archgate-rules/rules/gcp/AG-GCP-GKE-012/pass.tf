resource "google_container_cluster" "regular_channel" {
  name               = "regular-channel"
  location           = "europe-west1"
  initial_node_count = 1
  release_channel {
    channel = "REGULAR"
  }
}
