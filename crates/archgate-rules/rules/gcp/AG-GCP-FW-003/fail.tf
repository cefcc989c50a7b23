resource "google_compute_firewall" "ftp_world" {
  name          = "allow-ftp"
  network       = google_compute_network.vpc.id
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "icmp"
  }

  allow {
    protocol = "tcp"
    ports    = ["21"]
  }
}

resource "google_compute_firewall" "ftp_all_ports" {
  name          = "allow-all-tcp"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["16-121"]
  }
}
