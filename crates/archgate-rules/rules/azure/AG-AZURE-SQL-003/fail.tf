resource "azurerm_mssql_server_security_alert_policy" "partial" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-partial"
  state               = "Enabled"
  disabled_alerts     = ["Sql_Injection", "Data_Exfiltration"]
  email_addresses     = ["secops@example.com"]
}
