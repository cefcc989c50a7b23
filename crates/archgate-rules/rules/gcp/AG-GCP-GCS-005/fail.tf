resource "google_storage_bucket_iam_binding" "public_read" {
  bucket  = google_storage_bucket.site.name
  role    = "roles/storage.objectViewer"
  members = ["allUsers"]
}

resource "google_storage_bucket_iam_member" "any_google_account" {
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  member = "allAuthenticatedUsers"
}
