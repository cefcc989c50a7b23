module "network" {
  source = "git::https://git.example.com/infra/network.git?ref=3f1c2b7d9e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"
}

module "dns" {
  source = "git::ssh://git@git.example.com/infra/dns.git?ref=3f1c2b7d9e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"
}
