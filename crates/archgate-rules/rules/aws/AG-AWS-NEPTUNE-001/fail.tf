resource "aws_neptune_cluster" "default_storage" {
  cluster_identifier = "graph"
  engine             = "neptune"
}

resource "aws_neptune_cluster" "plain" {
  cluster_identifier = "graph-plain"
  engine             = "neptune"
  storage_encrypted  = false
}
