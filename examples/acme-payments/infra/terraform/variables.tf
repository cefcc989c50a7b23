variable "region" {
  description = "AWS region of the production estate."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Deployment environment; drives naming and the environment tag."
  type        = string
  default     = "prod"
}

variable "vpc_cidr" {
  description = "CIDR of the production VPC (allocated by network engineering, IPAM pool euw1-prod)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "corporate_cidrs" {
  description = "Corporate network ranges reaching AWS over Direct Connect."
  type        = list(string)
  default     = ["10.10.0.0/16", "10.11.0.0/16"]
}

variable "central_log_bucket" {
  description = "Bucket in the log-archive account that receives S3 and ALB access logs."
  type        = string
  default     = "acme-log-archive-euw1"
}
