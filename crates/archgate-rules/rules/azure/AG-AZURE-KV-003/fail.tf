resource "azurerm_key_vault" "purgeable" {
  name                = "purgeable-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
}

resource "azurerm_key_vault" "no_soft_delete" {
  name                = "no-soft-delete-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
  purge_protection_enabled = true
  soft_delete_enabled      = false
}
