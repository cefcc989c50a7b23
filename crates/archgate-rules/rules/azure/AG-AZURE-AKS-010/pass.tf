resource "azurerm_kubernetes_cluster" "ephemeral_os" {
  name                = "ephemeral-os-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "ephemeralos"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    os_disk_type = "Ephemeral"
  }

  identity {
    type = "SystemAssigned"
  }
}
