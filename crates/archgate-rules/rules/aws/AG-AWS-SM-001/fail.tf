resource "aws_secretsmanager_secret_rotation" "slow" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 180
  }
}

resource "aws_secretsmanager_secret_rotation" "slow_rate" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "rate(120 days)"
  }
}

resource "aws_secretsmanager_secret_rotation" "no_schedule" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
}
