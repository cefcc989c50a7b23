resource "azurerm_postgresql_server" "explicit_off" {
  name                         = "explicit_off-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  geo_redundant_backup_enabled = false
}

resource "azurerm_postgresql_server" "by_default" {
  name                         = "by_default-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
}
