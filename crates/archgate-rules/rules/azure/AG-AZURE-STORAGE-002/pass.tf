resource "azurerm_storage_account" "private" {
  name                         = "main-storageaccount"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  account_tier                 = "Standard"
  account_replication_type     = "GRS"
}

resource "azurerm_private_endpoint" "main" {
  name                = "pe-main"
  location            = "westeurope"
  resource_group_name = "rg-main"
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "psc-main"
    private_connection_resource_id = azurerm_storage_account.private.id
    subresource_names              = ["blob"]
    is_manual_connection           = false
  }
}
