resource "azurerm_security_center_subscription_pricing" "standard" {
  tier          = "Standard"
  resource_type = "VirtualMachines"
}
