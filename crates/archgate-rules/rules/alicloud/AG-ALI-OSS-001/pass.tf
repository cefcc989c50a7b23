resource "alicloud_oss_bucket" "private_bucket" {
  bucket = "private-bucket-bucket"
  acl    = "private"
}

resource "alicloud_oss_bucket" "default_acl_bucket" {
  bucket = "default-acl-bucket-bucket"
}
