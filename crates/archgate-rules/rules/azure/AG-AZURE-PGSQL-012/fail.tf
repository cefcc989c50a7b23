resource "azurerm_postgresql_flexible_server" "local_backups" {
  name                   = "local-backups-pg"
  resource_group_name    = "rg-data"
  location               = "westeurope"
  version                = "16"
  sku_name               = "GP_Standard_D2s_v3"
  storage_mb             = 32768
  administrator_login    = "pgadmin"
  administrator_password = var.db_password
}
