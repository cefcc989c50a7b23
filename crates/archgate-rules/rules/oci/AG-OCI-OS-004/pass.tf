resource "oci_objectstorage_bucket" "vault_key" {
  compartment_id = var.compartment_id
  name           = "vault-key"
  namespace      = data.oci_objectstorage_namespace.ns.namespace
  kms_key_id     = oci_kms_key.bucket.id
}
