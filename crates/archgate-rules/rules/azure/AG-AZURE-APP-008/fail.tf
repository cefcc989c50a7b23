resource "azurerm_app_service" "no_tracing" {
  name                = "no-tracing-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}
