resource "azurerm_storage_account" "unbounded_sas" {
  name                     = "unboundedsassa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
