resource "google_container_cluster" "rbac_only" {
  name               = "rbac-only"
  location           = "europe-west1"
  initial_node_count = 1
  enable_legacy_abac = false
}

resource "google_container_cluster" "abac_default" {
  name               = "abac-default"
  location           = "europe-west1"
  initial_node_count = 1
}
