resource "azurerm_network_interface" "plain_nic" {
  name                = "plain-nic-nic"
  location            = "westeurope"
  resource_group_name = "rg-compute"

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
  }
}
