resource "azurerm_kubernetes_cluster" "no_host_encryption" {
  name                = "no-host-encryption-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "nohostencryption"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "plain" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.no_host_encryption.id
  vm_size               = "Standard_D4s_v5"
}
