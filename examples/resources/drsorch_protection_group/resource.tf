# Members chosen by tags: every source server tagged app=shop and tier=db.
# Servers tagged later join at the next apply (the plan shows them), and
# recovery plans whose waves reference drsorch_protection_group.db.id
# recover them from that same apply on.
resource "drsorch_protection_group" "db" {
  name           = "shop-db"
  description    = "Shop databases"
  selection_tags = { app = "shop", tier = "db" }
}

# Members chosen by ID.
resource "drsorch_protection_group" "files" {
  name              = "file-servers"
  source_server_ids = ["s-1234567890abcdef0", "s-0fedcba0987654321"]
}
