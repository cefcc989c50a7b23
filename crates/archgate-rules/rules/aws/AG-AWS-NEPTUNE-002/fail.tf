resource "aws_neptune_cluster" "no_exports" {
  cluster_identifier = "graph"
}

resource "aws_neptune_cluster" "slowquery_only" {
  cluster_identifier             = "graph-2"
  enable_cloudwatch_logs_exports = ["slowquery"]
}
