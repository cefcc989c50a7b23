resource "aws_launch_template" "one_hop" {
  name_prefix = "nodes-"
  image_id    = "ami-0abcdef1234567890"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_launch_template" "default_hops" {
  name_prefix = "batch-"
  image_id    = "ami-0abcdef1234567890"
}
