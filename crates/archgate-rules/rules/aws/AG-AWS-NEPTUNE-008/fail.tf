resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}

resource "aws_neptune_cluster_snapshot" "before_migration" {
  db_cluster_identifier          = aws_neptune_cluster.graph.id
  db_cluster_snapshot_identifier = "graph-before-migration"
}
