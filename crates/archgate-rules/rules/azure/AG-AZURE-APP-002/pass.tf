resource "azurerm_app_service" "with_identity" {
  name                = "with-identity-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  identity {
    type = "SystemAssigned"
  }
}
