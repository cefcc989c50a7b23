resource "google_sql_database_instance" "backed_up" {
  name             = "backed-up"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
  }
}

resource "google_sql_database_instance" "replica" {
  name             = "replica"
  database_version = "POSTGRES_15"
  region           = "europe-west1"
  master_instance_name = google_sql_database_instance.backed_up.name

  settings {
    tier = "db-custom-2-7680"
  }
}
