resource "azurerm_storage_account" "tls_unset" {
  name                     = "tlsunsetsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "tls10" {
  name                     = "tls10sa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version = "TLS1_0"
}
