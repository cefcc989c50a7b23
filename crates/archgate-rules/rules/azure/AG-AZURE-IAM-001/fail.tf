resource "azurerm_role_definition" "super" {
  name  = "super-operator"
  scope = data.azurerm_subscription.primary.id

  permissions {
    actions     = ["*"]
    not_actions = []
  }

  assignable_scopes = [data.azurerm_subscription.primary.id]
}
