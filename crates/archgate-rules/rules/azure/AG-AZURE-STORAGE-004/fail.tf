resource "azurerm_storage_account" "keys_default" {
  name                     = "keysdefaultsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "keys_on" {
  name                     = "keysonsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  shared_access_key_enabled = true
}
