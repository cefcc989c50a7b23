resource "azurerm_key_vault_key" "expiring_key" {
  name         = "expiring-key"
  key_vault_id = azurerm_key_vault.main.id
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt", "unwrapKey", "wrapKey"]
  key_type        = "RSA"
  expiration_date = "2027-12-31T00:00:00Z"
}
