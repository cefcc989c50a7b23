resource "azurerm_storage_account" "open_network" {
  name                     = "opennetworksa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account" "allow_default" {
  name                     = "allowdefaultsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  network_rules {
    default_action = "Allow"
  }
}

resource "azurerm_storage_account_network_rules" "allow_all" {
  storage_account_id = azurerm_storage_account.elsewhere.id
  default_action     = "Allow"
}
