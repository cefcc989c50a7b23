resource "azurerm_redis_cache" "tls_unset" {
  name                = "tls-unset-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
}

resource "azurerm_redis_cache" "tls10" {
  name                = "tls10-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  minimum_tls_version = "1.0"
}
