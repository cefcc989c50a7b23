resource "alicloud_oss_bucket" "versioned" {
  bucket = "versioned-bucket"
  versioning {
    status = "Enabled"
  }
}
