resource "aws_opensearch_domain" "cmk" {
  domain_name = "search-cmk"
  encrypt_at_rest {
    enabled    = true
    kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}
