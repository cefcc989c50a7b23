resource "azurerm_linux_function_app" "anonymous_func" {
  name                 = "anonymous-func-func"
  location             = "westeurope"
  resource_group_name  = "rg-func"
  service_plan_id      = azurerm_service_plan.func.id
  storage_account_name = azurerm_storage_account.func.name

  site_config {}
}
