resource "azurerm_subnet" "open_subnet" {
  name                 = "app"
  resource_group_name  = "rg-net"
  virtual_network_name = "vnet-main"
  address_prefixes     = ["10.0.1.0/24"]
}
