resource "alicloud_db_instance" "manual_minor" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
  auto_upgrade_minor_version = "Manual"
}

resource "alicloud_db_instance" "unset_minor" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
}
