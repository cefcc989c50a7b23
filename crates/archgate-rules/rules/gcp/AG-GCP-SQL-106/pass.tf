resource "google_sql_database_instance" "pg_with_log_hostname" {
  name             = "pg-with-log-hostname"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    database_flags {
      name  = "log_hostname"
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
