resource "azurerm_storage_account" "aad_only" {
  name                     = "aadonlysa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
}
