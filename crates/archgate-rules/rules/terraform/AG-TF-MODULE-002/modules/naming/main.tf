output "prefix" {
  value = "acme"
}
