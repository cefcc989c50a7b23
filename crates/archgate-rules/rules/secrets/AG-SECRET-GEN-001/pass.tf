variable "admin_password" {
  type      = string
  sensitive = true
}

resource "azurerm_mssql_server" "reporting" {
  name                         = "sql-reporting"
  resource_group_name          = "rg"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "sqladmin"
  administrator_login_password = var.admin_password
  password_length              = "16"
}
