resource "azurerm_container_registry" "public_registry" {
  name                = "publicregistryacr"
  resource_group_name = "rg-build"
  location            = "westeurope"
  sku                 = "Premium"
}
