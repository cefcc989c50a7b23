resource "azurerm_key_vault_key" "eternal_key" {
  name         = "eternal-key"
  key_vault_id = azurerm_key_vault.main.id
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt", "unwrapKey", "wrapKey"]
  key_type     = "RSA"
}
