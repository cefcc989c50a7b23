resource "azurerm_kubernetes_cluster" "no_netpol" {
  name                = "no-netpol-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nonetpol"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "plugin_only" {
  name                = "plugin-only-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "pluginonly"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "azure"
  }
}
