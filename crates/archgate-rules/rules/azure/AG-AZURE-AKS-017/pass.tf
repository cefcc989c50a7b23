resource "azurerm_kubernetes_cluster" "no_dashboard" {
  name                = "no-dashboard-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nodashboard"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "dashboard_off" {
  name                = "dashboard-off-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "dashboardoff"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  addon_profile {
    kube_dashboard {
      enabled = false
    }
  }
}
