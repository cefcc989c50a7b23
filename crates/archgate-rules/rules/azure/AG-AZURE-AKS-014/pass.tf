resource "azurerm_kubernetes_cluster" "rbac_on" {
  name                = "rbac-on-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rbacon"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  role_based_access_control_enabled = true
}

resource "azurerm_kubernetes_cluster" "rbac_default" {
  name                = "rbac-default-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rbacdefault"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}
