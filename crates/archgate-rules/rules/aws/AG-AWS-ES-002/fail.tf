resource "aws_opensearch_domain" "silent" {
  domain_name = "search"
}

resource "aws_elasticsearch_domain" "disabled" {
  domain_name = "legacy"
  log_publishing_options {
    log_type                 = "ES_APPLICATION_LOGS"
    cloudwatch_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/es/legacy"
    enabled                  = false
  }
}
