resource "azurerm_monitor_log_profile" "year_profile" {
  name               = "default"
  categories         = ["Action", "Delete", "Write"]
  locations          = ["global", "westeurope"]
  storage_account_id = azurerm_storage_account.logs.id

  retention_policy {
    enabled = true
    days    = 365
  }
}
