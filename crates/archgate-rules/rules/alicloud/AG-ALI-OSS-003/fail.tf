resource "alicloud_oss_bucket" "not_accelerated" {
  bucket = "not-accelerated-bucket"
}
