resource "azurerm_cosmosdb_account" "private_cosmos" {
  name                = "private-cosmos-cosmos"
  location            = "westeurope"
  resource_group_name = "rg-data"
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
  public_network_access_enabled = false
}
