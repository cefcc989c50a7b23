resource "azurerm_storage_account_network_rules" "trusted" {
  storage_account_id = azurerm_storage_account.data.id
  default_action     = "Deny"
  ip_rules           = ["203.0.113.10"]
  bypass             = ["AzureServices", "Logging"]
}

resource "azurerm_storage_account" "inline_default_bypass" {
  name                     = "inlinedefaultbypasssa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  network_rules {
    default_action = "Deny"
  }
}
