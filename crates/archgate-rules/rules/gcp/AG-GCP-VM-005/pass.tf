resource "google_compute_instance" "kms_boot" {
  name         = "kms-boot"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.private.id
  }
}
