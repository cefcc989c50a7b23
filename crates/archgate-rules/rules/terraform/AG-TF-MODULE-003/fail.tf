module "legacy" {
  source = "git::http://git.example.com/infra/network.git?ref=3f1c2b7d9e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"  # <- finding
}

module "archive" {
  source = "http://artifacts.example.com/modules/dns.zip"  # <- finding
}
