resource "aws_neptune_cluster" "graph" {
  cluster_identifier  = "graph"
  skip_final_snapshot = true
}
