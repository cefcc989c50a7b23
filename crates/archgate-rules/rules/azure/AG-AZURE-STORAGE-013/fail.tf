resource "azurerm_storage_account" "http_allowed" {
  name                     = "httpallowedsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  https_traffic_only_enabled = false
}

resource "azurerm_storage_account" "legacy_http_allowed" {
  name                     = "legacyhttpallowedsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  enable_https_traffic_only = false
}
