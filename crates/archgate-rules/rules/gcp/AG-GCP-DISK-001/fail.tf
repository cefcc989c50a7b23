resource "google_compute_disk" "google_key" {
  name = "data-disk"
  type = "pd-ssd"
  zone = "europe-west1-b"
  size = 100
}
