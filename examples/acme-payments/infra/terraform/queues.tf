# Payment events: one message per authorisation, capture and refund,
# consumed by fraud-scoring and notifications.
module "payment_events" {
  source = "./modules/queue"

  name                       = "payment-events"
  visibility_timeout_seconds = 60
  max_receive_count          = 5

  tags = {
    "archgate:component" = "payments-api"
  }
}
