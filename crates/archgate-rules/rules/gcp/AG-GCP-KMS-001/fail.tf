resource "google_kms_crypto_key" "never_rotated" {
  name     = "app-data"
  key_ring = google_kms_key_ring.app.id
}

resource "google_kms_crypto_key" "yearly" {
  name            = "app-backups"
  key_ring        = google_kms_key_ring.app.id
  rotation_period = "31536000s"
}
