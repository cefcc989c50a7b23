resource "azurerm_storage_account" "bounded_sas" {
  name                     = "boundedsassa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  sas_policy {
    expiration_period = "01.00:00:00"
    expiration_action = "Log"
  }
}

resource "azurerm_storage_account" "no_shared_key" {
  name                     = "nosharedkeysa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  shared_access_key_enabled = false
}
