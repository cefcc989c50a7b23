resource "alicloud_oss_bucket" "sse_oss" {
  bucket = "sse-oss-bucket"
  server_side_encryption_rule {
    sse_algorithm = "AES256"
  }
}
