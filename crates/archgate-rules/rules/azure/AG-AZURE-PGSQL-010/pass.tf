resource "azurerm_postgresql_configuration" "log_connections_on" {
  name                = "log_connections"
  resource_group_name = "rg-data"
  server_name         = "pg-main"
  value               = "on"
}

resource "azurerm_postgresql_configuration" "other_param" {
  name                = "log_retention_days"
  resource_group_name = "rg-data"
  server_name         = "pg-main"
  value               = "7"
}
