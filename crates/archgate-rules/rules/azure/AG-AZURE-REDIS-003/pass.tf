resource "azurerm_redis_cache" "tls12" {
  name                = "tls12-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  minimum_tls_version = "1.2"
}
