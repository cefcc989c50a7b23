resource "google_storage_bucket" "unversioned" {
  name     = "unversioned-bucket"
  location = "EU"
}

resource "google_storage_bucket" "versioning_off" {
  name     = "versioning-off-bucket"
  location = "EU"
  versioning {
    enabled = false
  }
}
