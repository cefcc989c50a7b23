resource "azurerm_storage_account" "queue_logged" {
  name                     = "queueloggedsa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 90
    }
  }
}

resource "azurerm_storage_account" "blob_only" {
  name                     = "blobonlysa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  account_kind = "BlockBlobStorage"
}
