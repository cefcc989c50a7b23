resource "google_storage_bucket_iam_binding" "team_read" {
  bucket  = google_storage_bucket.site.name
  role    = "roles/storage.objectViewer"
  members = ["group:data-team@example.com"]
}

resource "google_storage_bucket_iam_member" "cdn" {
  bucket = google_storage_bucket.site.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:cdn@example-project.iam.gserviceaccount.com"
}
