resource "alicloud_oss_bucket" "unversioned" {
  bucket = "unversioned-bucket"
}

resource "alicloud_oss_bucket" "suspended" {
  bucket = "suspended-bucket"
  versioning {
    status = "Suspended"
  }
}
