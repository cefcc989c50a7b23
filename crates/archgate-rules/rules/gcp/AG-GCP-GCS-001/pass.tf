resource "google_storage_bucket" "private_bucket" {
  name     = "private-bucket-bucket"
  location = "EU"
  public_access_prevention    = "enforced"
  uniform_bucket_level_access = true
}
