resource "google_container_cluster" "binauthz" {
  name               = "binauthz"
  location           = "europe-west1"
  initial_node_count = 1
  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }
}
