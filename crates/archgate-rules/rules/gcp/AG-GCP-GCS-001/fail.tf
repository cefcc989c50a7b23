resource "google_storage_bucket" "inherited_bucket" {
  name     = "inherited-bucket-bucket"
  location = "EU"
}

resource "google_storage_bucket" "explicit_inherited" {
  name     = "explicit-inherited-bucket"
  location = "EU"
  public_access_prevention = "inherited"
}
