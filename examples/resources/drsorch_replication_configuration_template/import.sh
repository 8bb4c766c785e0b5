# Import by replication configuration template ID.
terraform import drsorch_replication_configuration_template.new_servers rct-1234567890abcdef0
