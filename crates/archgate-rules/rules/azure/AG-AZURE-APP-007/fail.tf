resource "azurerm_app_service" "no_detail" {
  name                = "no-detail-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}

resource "azurerm_app_service" "detail_off" {
  name                = "detail-off-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  logs {
    detailed_error_messages_enabled = false
  }
}
