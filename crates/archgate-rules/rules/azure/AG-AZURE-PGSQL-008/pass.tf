resource "azurerm_postgresql_configuration" "connection_throttling_on" {
  name                = "connection_throttling"
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
