resource "google_project_iam_member" "ci_sa_user" {
  project = "example-project"
  role    = "roles/iam.serviceAccountUser"
  member  = "group:ci@example.com"
}

resource "google_project_iam_binding" "token_creators" {
  project = "example-project"
  role    = "roles/iam.serviceAccountTokenCreator"
  members = ["user:alice@example.com"]
}
