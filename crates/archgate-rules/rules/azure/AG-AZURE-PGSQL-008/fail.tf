resource "azurerm_postgresql_configuration" "connection_throttling_off" {
  name                = "connection_throttling"
  resource_group_name = "rg-data"
  server_name         = "pg-main"
  value               = "off"
}
