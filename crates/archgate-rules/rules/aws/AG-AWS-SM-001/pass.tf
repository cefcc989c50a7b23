resource "aws_secretsmanager_secret_rotation" "monthly" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret_rotation" "rate" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "rate(7 days)"
  }
}

resource "aws_secretsmanager_secret_rotation" "cron" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:svc"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"
  rotation_rules {
    schedule_expression = "cron(0 4 1 * ? *)"
  }
}
