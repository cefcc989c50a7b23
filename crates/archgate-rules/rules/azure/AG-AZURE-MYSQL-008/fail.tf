resource "azurerm_mysql_server" "explicit_off" {
  name                         = "explicit_off-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "8.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  infrastructure_encryption_enabled = false
}

resource "azurerm_mysql_server" "by_default" {
  name                         = "by_default-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "8.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
}
