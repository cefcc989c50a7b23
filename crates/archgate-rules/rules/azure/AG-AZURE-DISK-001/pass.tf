resource "azurerm_managed_disk" "platform_encrypted" {
  name                 = "platform-encrypted"
  location             = "westeurope"
  resource_group_name  = "rg-compute"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
}

resource "azurerm_managed_disk" "ade" {
  name                 = "ade"
  location             = "westeurope"
  resource_group_name  = "rg-compute"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
  encryption_settings {
    enabled = true
    disk_encryption_key {
      secret_url      = azurerm_key_vault_secret.disk.id
      source_vault_id = azurerm_key_vault.main.id
    }
  }
}
