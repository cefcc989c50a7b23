resource "azurerm_security_center_contact" "silent" {
  name  = "silent"
  email = "secops@example.com"
  alert_notifications = false
  alerts_to_admins    = true
}
