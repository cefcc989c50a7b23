resource "azurerm_mssql_server" "private" {
  name                         = "main-azuresqlserver"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_private_endpoint" "main" {
  name                = "pe-main"
  location            = "westeurope"
  resource_group_name = "rg-main"
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "psc-main"
    private_connection_resource_id = azurerm_mssql_server.private.id
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }
}
