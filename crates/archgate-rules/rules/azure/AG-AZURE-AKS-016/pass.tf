resource "azurerm_kubernetes_cluster" "netpol" {
  name                = "netpol-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "netpol"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }
}
