resource "google_kms_crypto_key" "unprotected" {
  name            = "app-data"
  key_ring        = google_kms_key_ring.app.id
  rotation_period = "7776000s"
}
