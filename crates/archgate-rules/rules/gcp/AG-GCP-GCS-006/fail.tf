resource "google_storage_bucket" "google_managed" {
  name     = "google-managed-bucket"
  location = "EU"
}
