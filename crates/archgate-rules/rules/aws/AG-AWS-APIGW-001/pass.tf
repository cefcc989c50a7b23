resource "aws_api_gateway_method" "iam" {
  rest_api_id   = "a1b2c3"
  resource_id   = "r1"
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_method" "keyed" {
  rest_api_id      = "a1b2c3"
  resource_id      = "r2"
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_method" "preflight" {
  rest_api_id   = "a1b2c3"
  resource_id   = "r1"
  http_method   = "OPTIONS"
  authorization = "NONE"
}
