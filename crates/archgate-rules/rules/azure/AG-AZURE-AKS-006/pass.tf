resource "azurerm_kubernetes_cluster" "many_pods" {
  name                = "many-pods-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "manypods"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    max_pods   = 110
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "many_pods" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.many_pods.id
  vm_size               = "Standard_D4s_v5"
  node_count            = 3
  max_pods              = 50
}
