resource "oci_objectstorage_bucket" "versioned" {
  compartment_id = var.compartment_id
  name           = "versioned"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
  versioning     = "Enabled"
}
