# Import by source server ID.
terraform import drsorch_launch_settings.db1 s-1234567890abcdef0
