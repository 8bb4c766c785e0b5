# A protection group is imported by its name.
terraform import drsorch_protection_group.db shop-db
# A group of another region than the provider's (its `region` argument): name@region.
terraform import drsorch_protection_group.db shop-db@us-west-2
