resource "google_container_cluster" "no_monitoring" {
  name               = "no-monitoring"
  location           = "europe-west1"
  initial_node_count = 1
  monitoring_service = "none"
}
