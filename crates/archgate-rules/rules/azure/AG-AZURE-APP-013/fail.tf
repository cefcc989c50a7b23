resource "azurerm_linux_web_app" "public_web" {
  name                = "public-web-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  service_plan_id     = azurerm_service_plan.web.id
}
