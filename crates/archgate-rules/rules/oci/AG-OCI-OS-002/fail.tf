resource "oci_objectstorage_bucket" "no_events" {
  compartment_id = var.compartment_id
  name           = "no-events"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
}
