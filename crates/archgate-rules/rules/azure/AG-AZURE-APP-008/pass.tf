resource "azurerm_app_service" "tracing" {
  name                = "tracing-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  logs {
    failed_request_tracing_enabled = true
  }
}

resource "azurerm_windows_web_app" "windows_tracing" {
  name                = "windows-tracing-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  logs {
    failed_request_tracing = true
  }
}
