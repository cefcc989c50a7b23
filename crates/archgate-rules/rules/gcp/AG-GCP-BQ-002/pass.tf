resource "google_bigquery_dataset" "cmek_ds" {
  dataset_id = "cmek_ds"
  location   = "EU"
  default_encryption_configuration {
    kms_key_name = google_kms_crypto_key.bq.id
  }
}
