resource "azurerm_app_service" "local_content" {
  name                = "local-content-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
}

resource "azurerm_app_service" "blob_content" {
  name                = "blob-content-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  storage_account {
    name         = "content"
    type         = "AzureBlob"
    account_name = "webcontent"
    share_name   = "content"
    access_key   = var.storage_key
  }
}
