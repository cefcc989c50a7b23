resource "azurerm_redis_cache" "public_cache" {
  name                = "public-cache-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
}
