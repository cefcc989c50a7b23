resource "azurerm_kubernetes_cluster" "patch_channel" {
  name                = "patch-channel-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "patchchannel"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  automatic_upgrade_channel = "patch"
}

resource "azurerm_kubernetes_cluster" "stable_channel" {
  name                = "stable-channel-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "stablechannel"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  automatic_channel_upgrade = "stable"
}
