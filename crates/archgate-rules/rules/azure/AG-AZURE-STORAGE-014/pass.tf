resource "azurerm_storage_container" "private_assets" {
  name                  = "assets"
  storage_account_id    = azurerm_storage_account.web.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "default_private" {
  name               = "reports"
  storage_account_id = azurerm_storage_account.web.id
}
