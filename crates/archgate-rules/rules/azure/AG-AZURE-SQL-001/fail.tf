resource "azurerm_mssql_server" "noaudit" {
  name                         = "noaudit-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}
