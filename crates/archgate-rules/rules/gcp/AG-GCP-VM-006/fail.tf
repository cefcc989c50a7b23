resource "google_compute_instance" "unshielded" {
  name         = "unshielded"
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
}

resource "google_compute_instance" "vtpm_off" {
  name         = "vtpm-off"
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

  shielded_instance_config {
    enable_vtpm = false
  }
}
