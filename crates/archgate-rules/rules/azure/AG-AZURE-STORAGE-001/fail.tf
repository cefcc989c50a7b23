resource "azurerm_storage_account" "platform_keys" {
  name                     = "platformkeyssa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
