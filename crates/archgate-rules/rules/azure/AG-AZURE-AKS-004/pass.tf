resource "azurerm_kubernetes_cluster" "cmk_disks" {
  name                = "cmk-disks-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "cmkdisks"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  disk_encryption_set_id = azurerm_disk_encryption_set.aks.id
}
