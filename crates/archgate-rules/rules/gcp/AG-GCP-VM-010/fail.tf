resource "google_compute_project_metadata" "no_oslogin" {
  metadata = {
    serial-port-logging-enable = "TRUE"
  }
}
