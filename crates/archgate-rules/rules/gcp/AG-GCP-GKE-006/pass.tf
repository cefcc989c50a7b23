resource "google_container_cluster" "vpc_native" {
  name               = "vpc-native"
  location           = "europe-west1"
  initial_node_count = 1
  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }
}
