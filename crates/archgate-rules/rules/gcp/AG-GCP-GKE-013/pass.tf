resource "google_container_cluster" "monitored" {
  name               = "monitored"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "explicit_monitoring" {
  name               = "explicit-monitoring"
  location           = "europe-west1"
  initial_node_count = 1
  monitoring_service = "monitoring.googleapis.com/kubernetes"
}
