resource "azurerm_kubernetes_cluster" "aad_only" {
  name                = "aad-only-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "aadonly"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  local_account_disabled = true
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
  }
}
