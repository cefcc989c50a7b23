resource "azurerm_kubernetes_cluster" "ranged_api" {
  name                = "ranged-api-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rangedapi"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }
}

resource "azurerm_kubernetes_cluster" "private_api" {
  name                = "private-api-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "privateapi"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  private_cluster_enabled = true
}
