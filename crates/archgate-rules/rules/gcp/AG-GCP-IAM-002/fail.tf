resource "google_project_iam_member" "deployer_editor" {
  project = "example-project"
  role    = "roles/editor"
  member  = "serviceAccount:deployer@example-project.iam.gserviceaccount.com"
}
