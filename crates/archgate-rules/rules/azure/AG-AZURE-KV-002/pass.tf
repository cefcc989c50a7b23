resource "azurerm_key_vault" "firewalled" {
  name                = "firewalled-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = ["203.0.113.0/24"]
  }
}
