resource "azurerm_kubernetes_cluster" "no_rotation" {
  name                = "no-rotation-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "norotation"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  key_vault_secrets_provider {
    secret_rotation_enabled = false
  }
}

resource "azurerm_kubernetes_cluster" "rotation_default" {
  name                = "rotation-default-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rotationdefault"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  key_vault_secrets_provider {}
}
