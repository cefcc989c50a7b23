resource "azurerm_app_service" "no_logs" {
  name                = "no-logs-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}

resource "azurerm_app_service" "app_logs_only" {
  name                = "app-logs-only-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  logs {
    detailed_error_messages_enabled = true
  }
}
