resource "azurerm_storage_account" "soft_delete" {
  name                     = "softdeletesa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  blob_properties {
    delete_retention_policy {
      days = 14
    }
    container_delete_retention_policy {
      days = 14
    }
  }
}

resource "azurerm_storage_account" "file_shares" {
  name                     = "filesharessa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_replication_type = "GRS"
  account_tier = "Premium"
  account_kind = "FileStorage"
  share_properties {
    retention_policy {
      days = 14
    }
  }
}
