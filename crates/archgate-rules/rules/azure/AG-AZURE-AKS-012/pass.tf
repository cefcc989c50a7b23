resource "azurerm_kubernetes_cluster" "dedicated_system_pool" {
  name                = "dedicated-system-pool-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "dedicatedsystempool"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    only_critical_addons_enabled = true
  }

  identity {
    type = "SystemAssigned"
  }
}
