resource "azurerm_mssql_server" "audited" {
  name                         = "audited-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
}

resource "azurerm_mssql_server_extended_auditing_policy" "audited" {
  server_id              = azurerm_mssql_server.audited.id
  storage_endpoint       = "https://auditlogs.blob.core.windows.net/"
  retention_in_days      = 180
  log_monitoring_enabled = true
}

resource "azurerm_sql_server" "legacy" {
  name                         = "legacy-sqlserver"
  resource_group_name          = "rg-data"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.sql_password
  extended_auditing_policy {
    storage_endpoint  = "https://auditlogs.blob.core.windows.net/"
    retention_in_days = 120
  }
}
