resource "azurerm_postgresql_server" "old_tls" {
  name                         = "old_tls-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  ssl_enforcement_enabled          = true
  ssl_minimal_tls_version_enforced = "TLS1_0"
}

resource "azurerm_postgresql_server" "unset_tls" {
  name                         = "unset_tls-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  ssl_enforcement_enabled      = true
}
