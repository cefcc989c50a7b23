resource "azurerm_security_center_contact" "notified" {
  name  = "notified"
  email = "secops@example.com"
  alert_notifications = true
  alerts_to_admins    = true
}
