resource "azurerm_postgresql_configuration" "log_checkpoints_off" {
  name                = "log_checkpoints"
  resource_group_name = "rg-data"
  server_name         = "pg-main"
  value               = "off"
}
