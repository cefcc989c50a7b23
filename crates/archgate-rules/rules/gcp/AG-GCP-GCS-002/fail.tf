resource "google_storage_bucket" "acl_bucket" {
  name     = "acl-bucket-bucket"
  location = "EU"
}
