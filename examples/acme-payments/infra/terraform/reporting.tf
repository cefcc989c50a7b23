# Reporting lake for the data platform. Clean: versioned, encrypted with a
# customer-managed key, logged, private.

resource "aws_kms_key" "reporting" {
  description             = "Reporting lake key"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = {
    "archgate:component" = "reporting-pipeline"
  }
}

resource "aws_s3_bucket" "reporting_lake" {
  bucket = "acme-prod-euw1-reporting-lake"

  tags = {
    "archgate:component" = "reporting-pipeline"
    data-classification  = "internal"
  }
}

resource "aws_s3_bucket_versioning" "reporting_lake" {
  bucket = aws_s3_bucket.reporting_lake.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reporting_lake" {
  bucket = aws_s3_bucket.reporting_lake.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.reporting.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "reporting_lake" {
  bucket        = aws_s3_bucket.reporting_lake.id
  target_bucket = var.central_log_bucket
  target_prefix = "s3/acme-prod-euw1-reporting-lake/"
}

resource "aws_s3_bucket_public_access_block" "reporting_lake" {
  bucket = aws_s3_bucket.reporting_lake.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# deliberate: shadow infrastructure. Created by hand-written Terraform for a
# one-off data migration in 2025, never tagged with archgate:component and
# not in any component's iac.paths, so nobody owns it.
resource "aws_s3_bucket" "migration_exports" {
  bucket = "acme-prod-euw1-migration-exports-2025"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "migration_exports" {
  bucket = aws_s3_bucket.migration_exports.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
