resource "azurerm_app_service" "http2" {
  name                = "http2-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    http2_enabled = true
  }
}
