resource "azurerm_app_service" "https" {
  name                = "https-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  https_only = true
}
