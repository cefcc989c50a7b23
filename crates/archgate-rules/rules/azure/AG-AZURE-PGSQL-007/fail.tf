resource "azurerm_postgresql_server" "exposed" {
  name                         = "main-azurepostgresqlserver"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  sku_name                     = "GP_Gen5_2"
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  ssl_enforcement_enabled      = true
}
