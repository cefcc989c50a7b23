resource "google_project" "with_default_network" {
  name       = "analytics"
  project_id = "analytics-1234"
  org_id     = "123456789012"
}
