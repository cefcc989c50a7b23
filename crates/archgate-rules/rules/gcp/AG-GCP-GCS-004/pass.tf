resource "google_storage_bucket" "versioned" {
  name     = "versioned-bucket"
  location = "EU"
  versioning {
    enabled = true
  }
}
