resource "azurerm_app_service" "mtls" {
  name                = "mtls-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  client_cert_enabled = true
}

resource "azurerm_linux_web_app" "linux_mtls" {
  name                = "linux-mtls-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  client_certificate_enabled = true
  client_certificate_mode    = "Required"
}
