resource "google_pubsub_topic" "google_key" {
  name = "orders"
}
