# A protection group is imported by its name.
terraform import drsorch_protection_group.db shop-db
