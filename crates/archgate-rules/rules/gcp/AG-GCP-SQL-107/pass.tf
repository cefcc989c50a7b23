resource "google_sql_database_instance" "pg_with_log_min_error_statement" {
  name             = "pg-with-log-min-error-statement"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
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
