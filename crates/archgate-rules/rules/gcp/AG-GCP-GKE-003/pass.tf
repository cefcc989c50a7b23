resource "google_container_cluster" "no_client_cert" {
  name               = "no-client-cert"
  location           = "europe-west1"
  initial_node_count = 1
  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }
}

resource "google_container_cluster" "cert_default" {
  name               = "cert-default"
  location           = "europe-west1"
  initial_node_count = 1
}
