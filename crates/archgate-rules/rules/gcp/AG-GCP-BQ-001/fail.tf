resource "google_bigquery_dataset" "public_ds" {
  dataset_id = "public_ds"
  location   = "EU"
  access {
    role          = "OWNER"
    user_by_email = "owner@example.com"
  }
  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers"
  }
}
