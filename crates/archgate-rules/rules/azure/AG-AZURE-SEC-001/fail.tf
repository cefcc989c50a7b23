resource "azurerm_security_center_subscription_pricing" "free" {
  tier          = "Free"
  resource_type = "VirtualMachines"
}
