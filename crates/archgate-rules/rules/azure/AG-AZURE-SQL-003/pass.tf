resource "azurerm_mssql_server_security_alert_policy" "all" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-all"
  state               = "Enabled"
  disabled_alerts     = []
  email_addresses     = ["secops@example.com"]
}

resource "azurerm_mssql_server_security_alert_policy" "default" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-default"
  state               = "Enabled"
}
