resource "azurerm_mssql_server" "exposed" {
  name                         = "main-azuresqlserver"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}
