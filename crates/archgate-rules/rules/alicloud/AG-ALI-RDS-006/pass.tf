resource "alicloud_db_instance" "pg_log_connections" {
  engine           = "PostgreSQL"
  engine_version   = "15.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
  parameters {
    name  = "log_connections"
    value = "on"
  }
}

resource "alicloud_db_instance" "mysql_instance" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
}
