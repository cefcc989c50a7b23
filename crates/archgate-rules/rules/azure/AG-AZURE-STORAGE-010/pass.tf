resource "azurerm_storage_account" "grs" {
  name                     = "grssa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "ragzrs" {
  name                     = "ragzrssa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "RAGZRS"
}
