resource "azurerm_linux_function_app" "auth_func" {
  name                 = "auth-func-func"
  location             = "westeurope"
  resource_group_name  = "rg-func"
  service_plan_id      = azurerm_service_plan.func.id
  storage_account_name = azurerm_storage_account.func.name
  auth_settings {
    enabled = true
  }

  site_config {}
}
