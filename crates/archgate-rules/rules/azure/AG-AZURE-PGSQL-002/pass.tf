resource "azurerm_postgresql_server" "compliant" {
  name                         = "compliant-db"
  location                     = "westeurope"
  resource_group_name          = "rg-data"
  sku_name                     = "GP_Gen5_2"
  storage_mb                   = 5120
  version                      = "11"
  administrator_login          = "dbadmin"
  administrator_login_password = var.db_password
  public_network_access_enabled = false
}
