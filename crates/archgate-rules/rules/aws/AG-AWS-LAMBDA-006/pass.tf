resource "aws_lambda_function" "current" {
  function_name = "current"
  role          = "arn:aws:iam::123456789012:role/current"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "current.zip"
}

resource "aws_lambda_function" "image" {
  function_name = "image"
  role          = "arn:aws:iam::123456789012:role/image"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0"
}
