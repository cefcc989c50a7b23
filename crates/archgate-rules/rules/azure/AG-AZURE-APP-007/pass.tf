resource "azurerm_app_service" "detail_on" {
  name                = "detail-on-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  logs {
    detailed_error_messages_enabled = true
  }
}

resource "azurerm_linux_web_app" "linux_detail_on" {
  name                = "linux-detail-on-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  logs {
    detailed_error_messages = true
  }
}
