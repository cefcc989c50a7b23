resource "azurerm_app_service" "tls10" {
  name                = "tls10-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    min_tls_version = "1.0"
  }
}

resource "azurerm_linux_web_app" "linux_tls11" {
  name                = "linux-tls11-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  site_config {
    minimum_tls_version = "1.1"
  }
}
