resource "azurerm_storage_account" "nested_default" {
  name                     = "nesteddefaultsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "nested_public" {
  name                     = "nestedpublicsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  allow_nested_items_to_be_public = true
}
