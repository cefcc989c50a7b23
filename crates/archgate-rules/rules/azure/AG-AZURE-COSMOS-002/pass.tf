resource "azurerm_cosmosdb_account" "filtered" {
  name                = "filtered-cosmos"
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
  is_virtual_network_filter_enabled = true
  virtual_network_rule {
    id = azurerm_subnet.app.id
  }
}

resource "azurerm_cosmosdb_account" "no_public" {
  name                = "no-public-cosmos"
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
