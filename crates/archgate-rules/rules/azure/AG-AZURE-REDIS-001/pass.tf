resource "azurerm_redis_cache" "private_cache" {
  name                = "private-cache-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  public_network_access_enabled = false
}
