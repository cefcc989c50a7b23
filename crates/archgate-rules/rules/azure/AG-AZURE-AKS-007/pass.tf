resource "azurerm_kubernetes_cluster" "standard_tier" {
  name                = "standard-tier-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "standardtier"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  sku_tier = "Standard"
}
