resource "alicloud_oss_bucket" "accelerated" {
  bucket = "accelerated-bucket"
  transfer_acceleration {
    enabled = true
  }
}
