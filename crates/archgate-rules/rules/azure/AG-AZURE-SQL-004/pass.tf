resource "azurerm_mssql_server_security_alert_policy" "admins" {
  resource_group_name = "rg-data"
  server_name         = "sqlserver-admins"
  state               = "Enabled"
  email_account_admins = true
  email_addresses      = ["secops@example.com"]
}
