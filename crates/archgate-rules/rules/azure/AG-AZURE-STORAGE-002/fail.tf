resource "azurerm_storage_account" "exposed" {
  name                         = "main-storageaccount"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  account_tier                 = "Standard"
  account_replication_type     = "GRS"
}
