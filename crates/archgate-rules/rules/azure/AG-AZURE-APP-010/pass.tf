resource "azurerm_app_service" "files_content" {
  name                = "files-content-app"
  location            = "westeurope"
  resource_group_name = "rg-web"
  app_service_plan_id = azurerm_service_plan.web.id
  storage_account {
    name         = "content"
    type         = "AzureFiles"
    account_name = "webcontent"
    share_name   = "content"
    access_key   = var.storage_key
    mount_path   = "/content"
  }
}
