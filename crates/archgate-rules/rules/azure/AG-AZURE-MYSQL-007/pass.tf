resource "azurerm_mysql_server" "cmk" {
  name                         = "cmk-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "8.0"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  ssl_enforcement_enabled      = true
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_mysql_server_key" "cmk" {
  server_id        = azurerm_mysql_server.cmk.id
  key_vault_key_id = azurerm_key_vault_key.mysql.id
}
