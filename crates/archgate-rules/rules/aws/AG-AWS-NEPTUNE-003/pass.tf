resource "aws_kms_key" "graph" {
  description         = "Neptune graph"
  enable_key_rotation = true
}

resource "aws_neptune_cluster" "with_cmk" {
  cluster_identifier = "graph"
  storage_encrypted  = true
  kms_key_arn        = aws_kms_key.graph.arn
}
