resource "azurerm_key_vault" "protected" {
  name                = "protected-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
  purge_protection_enabled   = true
  soft_delete_retention_days = 90
}
