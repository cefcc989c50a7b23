resource "azurerm_app_service" "http11" {
  name                = "http11-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    http2_enabled = false
  }
}

resource "azurerm_app_service" "no_site_config" {
  name                = "no-site-config-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}
