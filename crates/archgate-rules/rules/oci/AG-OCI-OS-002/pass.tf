resource "oci_objectstorage_bucket" "events" {
  compartment_id = var.compartment_id
  name           = "events"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
  object_events_enabled = true
}
