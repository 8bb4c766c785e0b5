# Import by <resource_id>/<action_id>: a source server (s-…) or launch
# configuration template (lct-…) and the action's UUID.
terraform import drsorch_launch_action.smoke_test s-1234567890abcdef0/3f2a3b4c-0000-4000-8000-00000000000a
