resource "azurerm_key_vault" "open_vault" {
  name                = "open-vault-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
}

resource "azurerm_key_vault" "allow_vault" {
  name                = "allow-vault-kv"
  location            = "westeurope"
  resource_group_name = "rg-sec"
  tenant_id           = var.tenant_id
  sku_name            = "standard"
  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}
