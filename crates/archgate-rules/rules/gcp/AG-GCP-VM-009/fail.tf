resource "google_compute_instance" "default_full" {
  name         = "default-full"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.private.id
  }

  service_account {
    scopes = ["cloud-platform"]
  }
}
