resource "google_container_cluster" "no_netpol" {
  name               = "no-netpol"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "netpol_off" {
  name               = "netpol-off"
  location           = "europe-west1"
  initial_node_count = 1
  network_policy {
    enabled = false
  }
}
