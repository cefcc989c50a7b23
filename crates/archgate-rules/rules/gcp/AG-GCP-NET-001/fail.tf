resource "google_compute_subnetwork" "unlogged" {
  name          = "unlogged"
  ip_cidr_range = "10.10.0.0/24"
  region        = "europe-west1"
  network       = google_compute_network.vpc.id
}
