# Import by source server ID. The default version found becomes the one
# destroy restores.
terraform import drsorch_launch_template_settings.db1 s-1234567890abcdef0
