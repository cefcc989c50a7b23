resource "azurerm_storage_account" "private_only" {
  name                     = "privateonlysa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  public_network_access_enabled = false
}
