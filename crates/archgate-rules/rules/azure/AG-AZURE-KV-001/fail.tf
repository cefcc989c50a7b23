resource "azurerm_key_vault" "exposed" {
  name                         = "main-keyvault"
  resource_group_name          = "rg-main"
  location                     = "westeurope"
  tenant_id                    = var.tenant_id
  sku_name                     = "standard"
}
