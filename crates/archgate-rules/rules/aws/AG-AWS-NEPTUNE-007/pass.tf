resource "aws_neptune_cluster" "protected" {
  cluster_identifier  = "graph"
  deletion_protection = true
}
