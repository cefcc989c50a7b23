resource "azurerm_container_registry" "admin_on" {
  name                = "adminonacr"
  resource_group_name = "rg-build"
  location            = "westeurope"
  sku                 = "Premium"
  admin_enabled       = true
}
