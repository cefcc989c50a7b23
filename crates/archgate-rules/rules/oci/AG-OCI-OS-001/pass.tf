resource "oci_objectstorage_bucket" "private_bucket" {
  compartment_id = var.compartment_id
  name           = "private-bucket"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
  access_type    = "NoPublicAccess"
}

resource "oci_objectstorage_bucket" "default_bucket" {
  compartment_id = var.compartment_id
  name           = "default-bucket"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
}
