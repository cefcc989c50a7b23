resource "azurerm_container_registry" "admin_off" {
  name                = "adminoffacr"
  resource_group_name = "rg-build"
  location            = "westeurope"
  sku                 = "Premium"
  admin_enabled       = false
}

resource "azurerm_container_registry" "admin_default" {
  name                = "admindefaultacr"
  resource_group_name = "rg-build"
  location            = "westeurope"
  sku                 = "Premium"
}
