resource "aws_neptune_cluster" "copies_tags" {
  cluster_identifier    = "graph"
  copy_tags_to_snapshot = true
}
