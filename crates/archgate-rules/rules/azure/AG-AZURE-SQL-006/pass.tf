resource "azurerm_mssql_server" "aad" {
  name                         = "aad-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
  azuread_administrator {
    login_username = "sql-admins"
    object_id      = "00000000-0000-0000-0000-000000000000"
  }
}
