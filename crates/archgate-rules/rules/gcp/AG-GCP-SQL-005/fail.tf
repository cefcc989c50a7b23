resource "google_sql_database_instance" "old_postgres" {
  name             = "old-postgres"
  database_version = "POSTGRES_11"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
  }
}

resource "google_sql_database_instance" "old_mysql" {
  name             = "old-mysql"
  database_version = "MYSQL_5_7"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
  }
}
