resource "azurerm_key_vault_secret" "typed" {
  name         = "typed"
  value        = var.secret_value
  key_vault_id = azurerm_key_vault.main.id
  content_type = "password"
  expiration_date = "2027-12-31T00:00:00Z"
}
