resource "azurerm_kubernetes_cluster" "manual_upgrades" {
  name                = "manual-upgrades-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "manualupgrades"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "none_channel" {
  name                = "none-channel-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nonechannel"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  automatic_upgrade_channel = "none"
}
