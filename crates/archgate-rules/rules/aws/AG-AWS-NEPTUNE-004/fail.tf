resource "aws_neptune_cluster" "default_auth" {
  cluster_identifier = "graph"
}

resource "aws_neptune_cluster" "no_iam" {
  cluster_identifier                  = "graph-2"
  iam_database_authentication_enabled = false
}
