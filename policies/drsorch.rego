# Policy checks for drsorch plans, evaluated on the JSON of a Terraform plan
# (`terraform show -json plan.out`), as Terraform Cloud's OPA integration
# does: input.plan is the plan, input.run.workspace.name the workspace.
#
#   deny: RECOVERY executions outside production workspaces;
#         recovery plans whose waves or levels exceed the DRS quotas the
#         organisation plans for (data.drsorch_config.quotas, with the published
#         DRS defaults when not given).
package drsorch

import rego.v1

default_quotas := {
	"servers_per_job": 100,
	"concurrent_jobs": 20,
	"servers_in_active_jobs": 500,
}

default configured_quotas := {}

configured_quotas := data.drsorch_config.quotas

quotas := object.union(default_quotas, configured_quotas)

default production_workspaces := ["production"]

production_workspaces := data.drsorch_config.production_workspaces

workspace := object.get(input, ["run", "workspace", "name"], "")

changes := [rc |
	some rc in input.plan.resource_changes
	some action in rc.change.actions
	action in {"create", "update"}
]

deny contains msg if {
	some rc in changes
	rc.type == "drsorch_execution"
	rc.change.after.type == "RECOVERY"
	not workspace in production_workspaces
	msg := sprintf("%s: RECOVERY executions are only allowed in production workspaces (%s), not in %q", [rc.address, concat(", ", production_workspaces), workspace])
}

# The waves of a plan, from its compiled definition: the typed plan spec
# (the "Plan spec" state) names each wave and its level; each wave's runner
# Task ("<wave>: run", at any depth of Parallel branches) carries the
# wave's source servers in its Input.
waves(definition) := [w |
	def := json.unmarshal(definition)
	runs := {v.Parameters.Input.wave: count(v.Parameters.Input.servers) |
		walk(def.States, [_, v])
		is_object(v)
		v.Type == "Task"
		is_string(v.Parameters.Input.wave)
	}
	some spec in def.States["Plan spec"].Result.waves
	w := {
		"level": sprintf("Level %d", [spec.level]),
		"name": spec.name,
		"servers": runs[spec.name],
	}
] if {
	json.unmarshal(definition).States["Plan spec"]
} else := legacy_waves(definition)

# Definitions compiled before the wave runner: each Parallel state
# "Level N" runs one branch per wave, whose start recovery state lists the
# wave's source servers.
legacy_waves(definition) := [w |
	def := json.unmarshal(definition)
	some name, state in def.States
	startswith(name, "Level ")
	some branch in state.Branches
	some sname, s in branch.States
	endswith(sname, ": start recovery")
	w := {
		"level": name,
		"name": trim_suffix(sname, ": start recovery"),
		"servers": count(s.Parameters.SourceServers),
	}
]

plans := [rc |
	some rc in changes
	rc.type == "drsorch_recovery_plan"
	is_string(rc.change.after.definition)
]

deny contains msg if {
	some rc in plans
	some w in waves(rc.change.after.definition)
	w.servers > quotas.servers_per_job
	msg := sprintf("%s: wave %q recovers %d servers, more than the %d allowed in one DRS job", [rc.address, w.name, w.servers, quotas.servers_per_job])
}

deny contains msg if {
	some rc in plans
	ws := waves(rc.change.after.definition)
	some level in {w.level | some w in ws}
	jobs := count([w | some w in ws; w.level == level])
	jobs > quotas.concurrent_jobs
	msg := sprintf("%s: %s runs %d waves at once, more than %d concurrent DRS jobs", [rc.address, level, jobs, quotas.concurrent_jobs])
}

deny contains msg if {
	some rc in plans
	ws := waves(rc.change.after.definition)
	some level in {w.level | some w in ws}
	servers := sum([w.servers | some w in ws; w.level == level])
	servers > quotas.servers_in_active_jobs
	msg := sprintf("%s: %s recovers %d servers at once, more than %d in all active DRS jobs", [rc.address, level, servers, quotas.servers_in_active_jobs])
}
