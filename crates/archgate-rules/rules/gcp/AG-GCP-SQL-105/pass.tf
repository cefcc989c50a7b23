resource "google_sql_database_instance" "pg_with_log_duration" {
  name             = "pg-with-log-duration"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    database_flags {
      name  = "log_duration"
      value = "on"
    }
  }
}

resource "google_sql_database_instance" "mysql_db" {
  name             = "mysql-db"
  database_version = "MYSQL_8_0"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
  }
}
