resource "azurerm_managed_disk" "private_disk" {
  name                 = "private-disk"
  location             = "westeurope"
  resource_group_name  = "rg-compute"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
  public_network_access_enabled = false
  network_access_policy         = "DenyAll"
}
