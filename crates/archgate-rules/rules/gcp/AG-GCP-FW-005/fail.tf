resource "google_compute_firewall" "mysql_world" {
  name          = "allow-mysql"
  network       = google_compute_network.vpc.id
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "icmp"
  }

  allow {
    protocol = "tcp"
    ports    = ["3306"]
  }
}

resource "google_compute_firewall" "mysql_all_ports" {
  name          = "allow-all-tcp"
  network       = google_compute_network.vpc.id
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["3301-3406"]
  }
}
