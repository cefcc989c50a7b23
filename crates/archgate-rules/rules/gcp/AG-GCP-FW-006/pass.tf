resource "google_compute_firewall" "http_internal" {
  name          = "allow-http-internal"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "35.235.240.0/20"]

  allow {
    protocol = "tcp"
    ports    = ["80"]
  }
}

resource "google_compute_firewall" "http_egress" {
  name               = "egress-http"
  network            = google_compute_network.vpc.id
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["80"]
  }
}
