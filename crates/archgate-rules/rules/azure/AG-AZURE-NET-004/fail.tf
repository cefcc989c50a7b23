resource "azurerm_network_interface" "public_nic" {
  name                = "public-nic-nic"
  location            = "westeurope"
  resource_group_name = "rg-compute"

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = azurerm_public_ip.vm.id
  }
}
