resource "oci_objectstorage_bucket" "oracle_key" {
  compartment_id = var.compartment_id
  name           = "oracle-key"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
}
