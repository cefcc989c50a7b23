resource "google_compute_firewall" "rdp_internal" {
  name          = "allow-rdp-internal"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "35.235.240.0/20"]

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}

resource "google_compute_firewall" "rdp_egress" {
  name               = "egress-rdp"
  network            = google_compute_network.vpc.id
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}
