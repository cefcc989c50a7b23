resource "google_container_cluster" "default_logging" {
  name               = "default-logging"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "explicit_logging" {
  name               = "explicit-logging"
  location           = "europe-west1"
  initial_node_count = 1
  logging_service = "logging.googleapis.com/kubernetes"
}
