resource "aws_neptune_cluster" "encrypted" {
  cluster_identifier = "graph-enc"
  storage_encrypted  = true
}

resource "aws_neptune_cluster_snapshot" "encrypted_copy" {
  db_cluster_identifier          = aws_neptune_cluster.encrypted.id
  db_cluster_snapshot_identifier = "graph-enc-before-migration"
}

# A cluster outside this code: not judged.
resource "aws_neptune_cluster_snapshot" "other" {
  db_cluster_identifier          = "shared-graph"
  db_cluster_snapshot_identifier = "shared-graph-copy"
}
