resource "aws_api_gateway_method" "open" {
  rest_api_id   = "a1b2c3"
  resource_id   = "r1"
  http_method   = "POST"
  authorization = "NONE"
}
