resource "azurerm_kubernetes_cluster" "no_policy" {
  name                = "no-policy-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nopolicy"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}
