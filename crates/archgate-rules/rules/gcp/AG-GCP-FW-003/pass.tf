resource "google_compute_firewall" "ftp_internal" {
  name          = "allow-ftp-internal"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "35.235.240.0/20"]

  allow {
    protocol = "tcp"
    ports    = ["21"]
  }
}

resource "google_compute_firewall" "ftp_egress" {
  name               = "egress-ftp"
  network            = google_compute_network.vpc.id
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["21"]
  }
}
