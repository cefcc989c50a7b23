resource "azurerm_kubernetes_cluster" "rbac_off" {
  name                = "rbac-off-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rbacoff"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  role_based_access_control_enabled = false
}

resource "azurerm_kubernetes_cluster" "legacy_rbac_off" {
  name                = "legacy-rbac-off-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "legacyrbacoff"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  role_based_access_control {
    enabled = false
  }
}
