resource "azurerm_kubernetes_cluster" "rotation" {
  name                = "rotation-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "rotation"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }
}

resource "azurerm_kubernetes_cluster" "no_csi_driver" {
  name                = "no-csi-driver-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nocsidriver"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}
