resource "azurerm_redis_cache" "plain_port" {
  name                = "plain-port-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  non_ssl_port_enabled = true
}

resource "azurerm_redis_cache" "legacy_plain_port" {
  name                = "legacy-plain-port-redis"
  location            = "westeurope"
  resource_group_name = "rg-cache"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  enable_non_ssl_port = true
}
