# Import by source server ID.
terraform import drsorch_replication_settings.db1 s-1234567890abcdef0
