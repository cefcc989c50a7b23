resource "azurerm_storage_container" "public_assets" {
  name                  = "assets"
  storage_account_id    = azurerm_storage_account.web.id
  container_access_type = "blob"
}
