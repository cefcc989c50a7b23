resource "google_sql_database_instance" "public_ip" {
  name             = "public-ip"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ipv4_enabled = true
    }
  }
}

resource "google_sql_database_instance" "public_by_default" {
  name             = "public-by-default"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
  }
}
