resource "oci_objectstorage_bucket" "public_bucket" {
  compartment_id = var.compartment_id
  name           = "public-bucket"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
  access_type    = "ObjectRead"
}
