resource "google_storage_bucket" "uniform_bucket" {
  name     = "uniform-bucket-bucket"
  location = "EU"
  uniform_bucket_level_access = true
}
