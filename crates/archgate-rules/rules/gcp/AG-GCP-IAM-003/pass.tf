resource "google_project_iam_member" "dev_run" {
  project = "example-project"
  role    = "roles/run.developer"
  member  = "group:developers@example.com"
}
