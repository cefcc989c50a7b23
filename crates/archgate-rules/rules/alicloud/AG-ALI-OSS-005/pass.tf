resource "alicloud_oss_bucket" "sse_kms" {
  bucket = "sse-kms-bucket"
  server_side_encryption_rule {
    sse_algorithm     = "KMS"
    kms_master_key_id = alicloud_kms_key.oss.id
  }
}
