resource "google_bigquery_dataset" "private_ds" {
  dataset_id = "private_ds"
  location   = "EU"
  access {
    role          = "OWNER"
    user_by_email = "owner@example.com"
  }
  access {
    role          = "READER"
    special_group = "projectReaders"
  }
}
