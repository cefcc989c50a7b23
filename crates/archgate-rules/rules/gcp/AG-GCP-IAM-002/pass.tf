resource "google_project_iam_member" "deployer_run" {
  project = "example-project"
  role    = "roles/run.developer"
  member  = "serviceAccount:deployer@example-project.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "human_admin" {
  project = "example-project"
  role    = "roles/compute.admin"
  member  = "group:platform-admins@example.com"
}
