resource "azurerm_sql_server" "linked" {
  name                         = "legacy-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_sql_active_directory_administrator" "linked" {
  server_name         = azurerm_sql_server.linked.name
  resource_group_name = "rg-data"
  login               = "sql-admins"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  object_id           = "00000000-0000-0000-0000-000000000000"
}
