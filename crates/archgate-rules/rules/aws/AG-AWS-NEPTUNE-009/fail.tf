resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  storage_encrypted  = true
}

resource "aws_neptune_cluster_snapshot" "nightly" {
  db_cluster_identifier          = aws_neptune_cluster.graph.id
  db_cluster_snapshot_identifier = "graph-nightly"
}
