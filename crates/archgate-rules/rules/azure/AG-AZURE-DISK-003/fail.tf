resource "azurerm_managed_disk" "platform_key" {
  name                 = "platform-key"
  location             = "westeurope"
  resource_group_name  = "rg-compute"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
}
