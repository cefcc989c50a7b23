resource "aws_sns_topic" "encrypted_alerts" {
  name              = "alerts"
  kms_master_key_id = "alias/aws/sns"
}
