resource "google_project" "no_default_network" {
  name                = "analytics"
  project_id          = "analytics-5678"
  org_id              = "123456789012"
  auto_create_network = false
}
