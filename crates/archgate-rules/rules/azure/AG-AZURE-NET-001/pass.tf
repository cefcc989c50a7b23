resource "azurerm_subnet" "guarded" {
  name                 = "app"
  resource_group_name  = "rg-net"
  virtual_network_name = "vnet-main"
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_subnet_network_security_group_association" "guarded" {
  subnet_id                 = azurerm_subnet.guarded.id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = "rg-net"
  virtual_network_name = "vnet-main"
  address_prefixes     = ["10.0.255.0/27"]
}
