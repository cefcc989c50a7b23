resource "google_project_iam_member" "viewer" {
  project = "example-project"
  role    = "roles/viewer"
  member  = "group:ci@example.com"
}

resource "google_service_account_iam_member" "ci_deployer" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.serviceAccountUser"
  member             = "group:ci@example.com"
}
