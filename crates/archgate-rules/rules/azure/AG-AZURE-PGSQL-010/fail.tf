resource "azurerm_postgresql_configuration" "log_connections_off" {
  name                = "log_connections"
  resource_group_name = "rg-data"
  server_name         = "pg-main"
  value               = "off"
}
