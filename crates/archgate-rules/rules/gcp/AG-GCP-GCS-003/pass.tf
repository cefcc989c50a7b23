resource "google_storage_bucket" "logged" {
  name     = "logged-bucket"
  location = "EU"
  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}
