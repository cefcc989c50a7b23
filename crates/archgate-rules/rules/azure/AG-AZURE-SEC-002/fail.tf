resource "azurerm_security_center_contact" "no_phone" {
  name  = "no_phone"
  email = "secops@example.com"
  alert_notifications = true
  alerts_to_admins    = true
}
