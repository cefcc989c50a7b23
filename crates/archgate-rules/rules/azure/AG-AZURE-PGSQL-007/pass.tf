resource "azurerm_postgresql_server" "private" {
  name                         = "main-azurepostgresqlserver"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  sku_name                     = "GP_Gen5_2"
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  ssl_enforcement_enabled      = true
}

resource "azurerm_private_endpoint" "main" {
  name                = "pe-main"
  location            = "westeurope"
  resource_group_name = "rg-main"
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "psc-main"
    private_connection_resource_id = azurerm_postgresql_server.private.id
    subresource_names              = ["postgresqlServer"]
    is_manual_connection           = false
  }
}
