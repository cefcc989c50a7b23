resource "azurerm_app_service" "probed" {
  name                = "probed-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    health_check_path = "/healthz"
  }
}
