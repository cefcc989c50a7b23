resource "azurerm_key_vault" "private" {
  name                         = "main-keyvault"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  tenant_id                    = var.tenant_id
  sku_name                     = "standard"
}

resource "azurerm_private_endpoint" "main" {
  name                = "pe-main"
  location            = "westeurope"
  resource_group_name = "rg-main"
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "psc-main"
    private_connection_resource_id = azurerm_key_vault.private.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }
}
