resource "google_project_iam_member" "dev_editor" {
  project = "example-project"
  role    = "roles/editor"
  member  = "group:developers@example.com"
}
