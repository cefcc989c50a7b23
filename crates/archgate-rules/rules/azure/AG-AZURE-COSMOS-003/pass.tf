resource "azurerm_cosmosdb_account" "cmk_cosmos" {
  name                = "cmk-cosmos-cosmos"
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
  key_vault_key_id = azurerm_key_vault_key.cosmos.versionless_id
}
