resource "google_container_cluster" "group_bindings" {
  name               = "group-bindings"
  location           = "europe-west1"
  initial_node_count = 1
  authenticator_groups_config {
    security_group = "gke-security-groups@example.com"
  }
}
