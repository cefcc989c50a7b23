resource "alicloud_db_instance" "no_collector" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
}

resource "alicloud_db_instance" "short_collector" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
  sql_collector_status       = "Enabled"
  sql_collector_config_value = 30
}
