resource "azurerm_kubernetes_cluster" "open_api" {
  name                = "open-api-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "openapi"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}
