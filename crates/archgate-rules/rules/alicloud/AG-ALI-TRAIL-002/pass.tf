resource "alicloud_actiontrail_trail" "all_events" {
  trail_name         = "all-events"
  oss_bucket_name    = alicloud_oss_bucket.trail.bucket
  oss_write_role_arn = alicloud_ram_role.trail.arn
  event_rw           = "All"
  trail_region       = "All"
}
