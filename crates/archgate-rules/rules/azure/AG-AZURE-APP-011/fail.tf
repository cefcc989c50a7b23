resource "azurerm_app_service" "http_allowed" {
  name                = "http-allowed-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  https_only = false
}

resource "azurerm_app_service" "http_default" {
  name                = "http-default-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}
