resource "google_compute_ssl_policy" "compatible" {
  name = "compatible"
}
