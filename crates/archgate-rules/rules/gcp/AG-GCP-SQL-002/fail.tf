resource "google_sql_database_instance" "no_backups" {
  name             = "no-backups"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
  }
}

resource "google_sql_database_instance" "backups_off" {
  name             = "backups-off"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled = false
    }
  }
}
