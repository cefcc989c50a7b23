resource "azurerm_cosmosdb_account" "aad_auth" {
  name                = "aad-auth-cosmos"
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
  local_authentication_disabled = true
}
