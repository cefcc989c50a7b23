resource "azurerm_mssql_server_security_alert_policy" "secops" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-secops"
  state               = "Enabled"
  email_addresses     = ["secops@example.com"]
}
