resource "azurerm_linux_web_app" "private_web" {
  name                = "private-web-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
  public_network_access_enabled = false
}
