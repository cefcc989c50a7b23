# Monthly customer statements (PDF), written by the ledger's statement run.
# Encrypted with a customer-managed key through the separate
# server-side-encryption resource (AWS provider v4+ style).

resource "aws_kms_key" "statements" {
  description             = "Customer statements bucket key"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = {
    "archgate:component" = "ledger"
  }
}

# deliberate: no versioning (a statement overwritten by a re-run is lost);
# the waiver for it expired on 2026-03-31 (exceptions/statements-bucket-versioning.yaml).
# Access logging is suppressed inline with Checkov's own syntax.
resource "aws_s3_bucket" "statements" {
  #checkov:skip=CKV_AWS_18:access logs go to the central bucket
  bucket = "acme-prod-euw1-customer-statements"

  tags = {
    "archgate:component" = "ledger"
    data-classification  = "confidential"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "statements" {
  bucket = aws_s3_bucket.statements.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.statements.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "statements" {
  bucket = aws_s3_bucket.statements.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "statements" {
  bucket = aws_s3_bucket.statements.id

  rule {
    id     = "retain-seven-years"
    status = "Enabled"

    filter {}

    transition {
      days          = 90
      storage_class = "GLACIER_IR"
    }

    # Statements are kept for seven years (record retention policy RR-04).
    expiration {
      days = 2557
    }
  }
}
