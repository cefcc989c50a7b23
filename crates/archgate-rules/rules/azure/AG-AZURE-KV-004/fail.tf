resource "azurerm_key_vault" "public_vault" {
  name                = "public-vault-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
}
