resource "azurerm_mssql_server" "short" {
  name                         = "short-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
  extended_auditing_policy {
    storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
    retention_in_days = 30
  }
}

resource "azurerm_mssql_server_extended_auditing_policy" "short" {
  server_id         = azurerm_mssql_server.elsewhere.id
  storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
  retention_in_days = 7
}

resource "azurerm_mssql_server" "none" {
  name                         = "none-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}
