resource "azurerm_role_definition" "vm_operator" {
  name  = "vm-operator"
  scope = data.azurerm_subscription.primary.id

  permissions {
    actions = [
      "Microsoft.Compute/virtualMachines/start/action",
      "Microsoft.Compute/virtualMachines/restart/action",
      "Microsoft.Compute/virtualMachines/read",
    ]
  }

  assignable_scopes = [data.azurerm_subscription.primary.id]
}
