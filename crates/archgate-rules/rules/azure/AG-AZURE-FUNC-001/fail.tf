resource "azurerm_linux_function_app" "http_func" {
  name                 = "http-func-func"
  location             = "westeurope"
  resource_group_name  = "rg-func"
  service_plan_id      = azurerm_service_plan.func.id
  storage_account_name = azurerm_storage_account.func.name

  site_config {}
}

resource "azurerm_linux_function_app" "http_off" {
  name                 = "http-off-func"
  location             = "westeurope"
  resource_group_name  = "rg-func"
  service_plan_id      = azurerm_service_plan.func.id
  storage_account_name = azurerm_storage_account.func.name
  https_only           = false

  site_config {}
}
