resource "azurerm_storage_account" "tls12" {
  name                     = "tls12sa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version = "TLS1_2"
}
