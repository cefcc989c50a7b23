resource "azurerm_kubernetes_cluster" "host_encrypted" {
  name                = "host-encrypted-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "hostencrypted"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    host_encryption_enabled = true
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "encrypted" {
  name                   = "user"
  kubernetes_cluster_id  = azurerm_kubernetes_cluster.host_encrypted.id
  vm_size                = "Standard_D4s_v5"
  enable_host_encryption = true
}
