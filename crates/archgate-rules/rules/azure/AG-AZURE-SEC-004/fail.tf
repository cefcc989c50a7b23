resource "azurerm_security_center_contact" "no_admins" {
  name  = "no_admins"
  email = "secops@example.com"
  alert_notifications = true
  alerts_to_admins    = false
}
