resource "google_compute_instance" "no_secure_boot" {
  name         = "no-secure-boot"
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

resource "google_compute_instance" "secure_boot_off" {
  name         = "secure-boot-off"
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
    enable_secure_boot = false
  }
}
