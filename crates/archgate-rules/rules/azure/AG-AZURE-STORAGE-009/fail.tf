resource "azurerm_storage_account" "public_default" {
  name                     = "publicdefaultsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "public_on" {
  name                     = "publiconsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  public_network_access_enabled = true
}
