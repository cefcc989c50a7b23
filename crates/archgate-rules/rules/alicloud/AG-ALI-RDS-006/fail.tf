resource "alicloud_db_instance" "pg_no_log_connections" {
  engine           = "PostgreSQL"
  engine_version   = "15.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
  parameters {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}
