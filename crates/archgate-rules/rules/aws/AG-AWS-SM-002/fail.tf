resource "aws_secretsmanager_secret" "default_key" {
  name = "orders/db"
}

resource "aws_secretsmanager_secret" "aws_managed_alias" {
  name       = "orders/api"
  kms_key_id = "alias/aws/secretsmanager"
}
