resource "azurerm_security_center_contact" "with_phone" {
  name  = "with_phone"
  email = "secops@example.com"
  phone               = "+44-20-7946-0000"
  alert_notifications = true
  alerts_to_admins    = true
}
