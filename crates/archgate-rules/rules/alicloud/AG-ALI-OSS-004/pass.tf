resource "alicloud_oss_bucket" "logged" {
  bucket = "logged-bucket"
  logging {
    target_bucket = alicloud_oss_bucket.access_logs.id
    target_prefix = "log/"
  }
}
