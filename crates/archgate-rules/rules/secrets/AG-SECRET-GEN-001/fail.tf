variable "db_password" {
  type    = string
  default = "Xk9mQ2vLp7"  # <- finding
}

resource "azurerm_mssql_server" "sql" {
  name                         = "sql-prod"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = "Aa12345678"  # <- finding
}
