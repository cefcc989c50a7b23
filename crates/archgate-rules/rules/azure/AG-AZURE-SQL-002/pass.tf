resource "azurerm_mssql_server" "long" {
  name                         = "long-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
  extended_auditing_policy {
    storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
    retention_in_days = 365
  }
}

resource "azurerm_mssql_server" "other" {
  name                         = "other-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_mssql_server_extended_auditing_policy" "forever" {
  server_id         = azurerm_mssql_server.other.id
  storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
  retention_in_days = 0
}

resource "azurerm_mssql_database_extended_auditing_policy" "db" {
  database_id       = azurerm_mssql_database.app.id
  storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
  retention_in_days = 90
}
