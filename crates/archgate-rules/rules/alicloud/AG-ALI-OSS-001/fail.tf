resource "alicloud_oss_bucket" "public_bucket" {
  bucket = "public-bucket-bucket"
  acl    = "public-read-write"
}

resource "alicloud_oss_bucket_acl" "public_acl" {
  bucket = alicloud_oss_bucket.other.bucket
  acl    = "public-read"
}
