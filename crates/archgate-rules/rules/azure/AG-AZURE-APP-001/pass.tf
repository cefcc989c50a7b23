resource "azurerm_app_service" "authenticated" {
  name                = "authenticated-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  auth_settings {
    enabled          = true
    default_provider = "AzureActiveDirectory"
  }
}

resource "azurerm_linux_web_app" "linux_v2" {
  name                = "linux-v2-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  auth_settings_v2 {
    auth_enabled = true
    login {}
  }
}
