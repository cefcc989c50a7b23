resource "azurerm_kubernetes_cluster" "monitored" {
  name                = "monitored-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "monitored"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.ops.id
  }
}
