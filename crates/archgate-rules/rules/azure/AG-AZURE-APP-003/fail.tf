resource "azurerm_app_service" "no_mtls" {
  name                = "no-mtls-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}

resource "azurerm_linux_web_app" "linux_no_mtls" {
  name                = "linux-no-mtls-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  client_certificate_enabled = false
}
