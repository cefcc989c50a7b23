resource "azurerm_network_watcher_flow_log" "long" {
  network_watcher_name = "nw-westeurope"
  resource_group_name  = "NetworkWatcherRG"
  name                 = "app-nsg-flows"
  target_resource_id   = azurerm_network_security_group.app.id
  storage_account_id   = azurerm_storage_account.flowlogs.id
  enabled              = true

  retention_policy {
    enabled = true
    days    = 90
  }
}
