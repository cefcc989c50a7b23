resource "google_pubsub_topic" "cmek_topic" {
  name         = "orders"
  kms_key_name = google_kms_crypto_key.pubsub.id
}
