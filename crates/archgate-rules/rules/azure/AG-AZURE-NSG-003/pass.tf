resource "azurerm_network_security_group" "http_restricted" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "http-from-bastion"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "80"
    source_address_prefix      = "10.0.250.0/26"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-http"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "80"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
