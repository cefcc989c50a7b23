resource "google_container_cluster" "no_channel" {
  name               = "no-channel"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "unspecified_channel" {
  name               = "unspecified-channel"
  location           = "europe-west1"
  initial_node_count = 1
  release_channel {
    channel = "UNSPECIFIED"
  }
}
