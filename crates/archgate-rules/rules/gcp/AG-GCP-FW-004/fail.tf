resource "google_compute_firewall" "ftp_data_world" {
  name          = "allow-ftp-data"
  network       = google_compute_network.vpc.id
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "icmp"
  }

  allow {
    protocol = "tcp"
    ports    = ["20"]
  }
}

resource "google_compute_firewall" "ftp_data_all_ports" {
  name          = "allow-all-tcp"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["15-120"]
  }
}
