resource "azurerm_key_vault_secret" "untyped" {
  name         = "untyped"
  value        = var.secret_value
  key_vault_id = azurerm_key_vault.main.id
}
