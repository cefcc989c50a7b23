resource "azurerm_app_service" "ftp_disabled" {
  name                = "ftp-disabled-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    ftps_state = "Disabled"
  }
}

resource "azurerm_linux_web_app" "linux_default" {
  name                = "linux-default-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  site_config {
    always_on = true
  }
}
