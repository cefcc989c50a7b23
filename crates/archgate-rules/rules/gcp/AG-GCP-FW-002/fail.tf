resource "google_compute_firewall" "rdp_world" {
  name          = "allow-rdp"
  network       = google_compute_network.vpc.id
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "icmp"
  }

  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
}

resource "google_compute_firewall" "rdp_all_ports" {
  name          = "allow-all-tcp"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["3384-3489"]
  }
}
