resource "azurerm_storage_account" "inline_cmk" {
  name                     = "inlinecmksa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.storage.id]
  }
  customer_managed_key {
    key_vault_key_id          = azurerm_key_vault_key.storage.id
    user_assigned_identity_id = azurerm_user_assigned_identity.storage.id
  }
}

resource "azurerm_storage_account" "separate_cmk" {
  name                     = "separatecmksa"
  resource_group_name      = "rg-data"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_storage_account_customer_managed_key" "separate_cmk" {
  storage_account_id = azurerm_storage_account.separate_cmk.id
  key_vault_id       = azurerm_key_vault.main.id
  key_name           = "storage"
}
