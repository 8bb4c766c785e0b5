# Import every tag of the server except drsorch's own (drsorch:*) and AWS's (aws:*):
terraform import drsorch_source_server_tags.db1 s-1234567890abcdef0

# Or only some keys, listed after the ID with commas:
terraform import drsorch_source_server_tags.db1 s-1234567890abcdef0,owner,cost-center
