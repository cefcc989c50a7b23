resource "google_compute_firewall" "ftp_data_internal" {
  name          = "allow-ftp-data-internal"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "35.235.240.0/20"]

  allow {
    protocol = "tcp"
    ports    = ["20"]
  }
}

resource "google_compute_firewall" "ftp_data_egress" {
  name               = "egress-ftp-data"
  network            = google_compute_network.vpc.id
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["20"]
  }
}
