resource "azurerm_storage_account" "nested_private" {
  name                     = "nestedprivatesa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  allow_nested_items_to_be_public = false
}
