resource "azurerm_kubernetes_cluster" "unmonitored" {
  name                = "unmonitored-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "unmonitored"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "oms_off" {
  name                = "oms-off-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "omsoff"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  addon_profile {
    oms_agent {
      enabled = false
    }
  }
}
