resource "alicloud_actiontrail_trail" "read_only" {
  trail_name         = "read-only"
  oss_bucket_name    = alicloud_oss_bucket.trail.bucket
  oss_write_role_arn = alicloud_ram_role.trail.arn
  event_rw           = "Read"
  trail_region       = "All"
}

resource "alicloud_actiontrail_trail" "write_default" {
  trail_name         = "write-default"
  oss_bucket_name    = alicloud_oss_bucket.trail.bucket
  oss_write_role_arn = alicloud_ram_role.trail.arn
  trail_region       = "All"
}
