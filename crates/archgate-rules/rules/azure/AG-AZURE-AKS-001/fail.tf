resource "azurerm_kubernetes_cluster" "kubenet_default" {
  name                = "kubenet-default-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "kubenetdefault"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "kubenet" {
  name                = "kubenet-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "kubenet"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "kubenet"
  }
}
