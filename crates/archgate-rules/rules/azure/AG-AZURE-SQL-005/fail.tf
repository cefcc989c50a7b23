resource "azurerm_mssql_server_security_alert_policy" "nobody" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-nobody"
  state               = "Enabled"
}

resource "azurerm_mssql_server_security_alert_policy" "empty" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-empty"
  state               = "Enabled"
  email_addresses     = []
}
