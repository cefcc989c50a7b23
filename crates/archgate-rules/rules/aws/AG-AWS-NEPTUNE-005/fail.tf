resource "aws_neptune_cluster" "default_retention" {
  cluster_identifier = "graph"
}

resource "aws_neptune_cluster" "short" {
  cluster_identifier      = "graph-2"
  backup_retention_period = 5
}
