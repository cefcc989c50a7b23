resource "azurerm_key_vault_secret" "eternal" {
  name         = "eternal"
  value        = var.secret_value
  key_vault_id = azurerm_key_vault.main.id
}
