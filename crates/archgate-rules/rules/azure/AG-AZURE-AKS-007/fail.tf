resource "azurerm_kubernetes_cluster" "free_tier" {
  name                = "free-tier-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "freetier"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "explicit_free" {
  name                = "explicit-free-aks"
  location            = "westeurope"
  resource_group_name = "rg-k8s"
  dns_prefix          = "explicitfree"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
  sku_tier = "Free"
}
