resource "azurerm_app_service" "anonymous" {
  name                = "anonymous-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}

resource "azurerm_app_service" "auth_off" {
  name                = "auth-off-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  auth_settings {
    enabled = false
  }
}

resource "azurerm_linux_web_app" "linux_anonymous" {
  name                = "linux-anonymous-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
}
