resource "azurerm_network_interface" "forwarding" {
  name                = "forwarding-nic"
  location            = "westeurope"
  resource_group_name = "rg-compute"
  ip_forwarding_enabled = true

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface" "legacy_forwarding" {
  name                = "legacy-forwarding-nic"
  location            = "westeurope"
  resource_group_name = "rg-compute"
  enable_ip_forwarding = true

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
  }
}
