# Import by launch configuration template ID.
terraform import drsorch_launch_configuration_template.new_servers lct-1234567890abcdef0
