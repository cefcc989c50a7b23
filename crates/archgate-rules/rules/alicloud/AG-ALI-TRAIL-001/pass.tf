resource "alicloud_actiontrail_trail" "all_regions" {
  trail_name         = "all-regions"
  oss_bucket_name    = alicloud_oss_bucket.trail.bucket
  oss_write_role_arn = alicloud_ram_role.trail.arn
  event_rw           = "All"
  trail_region       = "All"
}

resource "alicloud_actiontrail_trail" "region_default" {
  trail_name         = "region-default"
  oss_bucket_name    = alicloud_oss_bucket.trail.bucket
  oss_write_role_arn = alicloud_ram_role.trail.arn
  event_rw           = "All"
}
