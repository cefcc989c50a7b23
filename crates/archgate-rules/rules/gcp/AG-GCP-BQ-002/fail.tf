resource "google_bigquery_dataset" "google_keys" {
  dataset_id = "google_keys"
  location   = "EU"
}
