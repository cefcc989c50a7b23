resource "alicloud_oss_bucket" "unlogged" {
  bucket = "unlogged-bucket"
}
