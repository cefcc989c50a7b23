resource "alicloud_db_instance" "open_whitelist" {
  engine           = "MySQL"
  engine_version   = "8.0"
  instance_type    = "rds.mysql.s2.large"
  instance_storage = 30
  vswitch_id       = alicloud_vswitch.db.id
  security_ips     = ["0.0.0.0", "10.23.12.24/24"]
}
