resource "azurerm_managed_disk" "cmk_disk" {
  name                 = "cmk-disk"
  location             = "westeurope"
  resource_group_name  = "rg-compute"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
  disk_encryption_set_id = azurerm_disk_encryption_set.main.id
}
