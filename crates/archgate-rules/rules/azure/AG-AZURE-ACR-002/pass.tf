resource "azurerm_container_registry" "private_registry" {
  name                = "privateregistryacr"
  resource_group_name = "rg-build"
  location            = "westeurope"
  sku                 = "Premium"
  public_network_access_enabled = false
}
