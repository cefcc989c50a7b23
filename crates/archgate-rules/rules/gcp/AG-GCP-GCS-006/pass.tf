resource "google_storage_bucket" "cmek_bucket" {
  name     = "cmek-bucket-bucket"
  location = "EU"
  encryption {
    default_kms_key_name = google_kms_crypto_key.gcs.id
  }
}
