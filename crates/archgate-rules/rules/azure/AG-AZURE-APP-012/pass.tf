resource "azurerm_app_service" "tls12" {
  name                = "tls12-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    min_tls_version = "1.2"
  }
}

resource "azurerm_app_service" "tls_default" {
  name                = "tls-default-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}
