resource "azurerm_app_service" "ftp_default" {
  name                = "ftp-default-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  site_config {
    always_on = true
  }
}

resource "azurerm_linux_web_app" "ftp_allowed" {
  name                = "ftp-allowed-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  site_config {
    ftps_state = "AllAllowed"
  }
}
