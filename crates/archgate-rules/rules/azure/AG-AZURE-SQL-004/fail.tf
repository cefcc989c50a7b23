resource "azurerm_mssql_server_security_alert_policy" "quiet" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-quiet"
  state               = "Enabled"
  email_addresses     = ["secops@example.com"]
}

resource "azurerm_mssql_server_security_alert_policy" "off" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-off"
  state               = "Enabled"
  email_account_admins = false
}
