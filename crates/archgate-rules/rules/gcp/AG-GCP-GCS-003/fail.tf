resource "google_storage_bucket" "unlogged" {
  name     = "unlogged-bucket"
  location = "EU"
}
