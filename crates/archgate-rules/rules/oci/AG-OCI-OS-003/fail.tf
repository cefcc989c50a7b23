resource "oci_objectstorage_bucket" "unversioned" {
  compartment_id = var.compartment_id
  name           = "unversioned"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
}
