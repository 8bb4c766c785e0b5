package provider

import (
	"sync"

	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

// plannedWalk is what the resources of one configuration plan to hold
// after the apply, recorded while Terraform plans them. It lives in the
// provider data, which Configure makes anew for every Terraform walk (plan,
// apply) of every provider configuration, so it never outlives the walk.
//
// Why a registry rather than reading each other's plans: the framework
// gives a resource's ModifyPlan only its own configuration, state and plan.
// Terraform plans a resource after those it references, so a recovery plan
// whose waves reference drsorch_protection_group.<x>.id (as documented)
// is planned after its groups and finds their planned members here. A
// group not planned in this walk (managed elsewhere) falls back to its tags.
type plannedWalk struct {
	once   sync.Once
	groups *protectiongroup.Planned

	mu    sync.Mutex
	plans map[string]bool // state machine ARNs of the recovery plans planned in this walk
}

func (w *plannedWalk) init() {
	w.once.Do(func() {
		w.groups = protectiongroup.NewPlanned()
		w.plans = map[string]bool{}
	})
}

// plannedGroups is the groups' record.
func (w *plannedWalk) plannedGroups() *protectiongroup.Planned {
	w.init()
	return w.groups
}

// recordPlan records a recovery plan's state machine ARN; it reports false
// when another recovery plan of this walk has it already.
func (w *plannedWalk) recordPlan(arn string) bool {
	w.init()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.plans[arn] {
		return false
	}
	w.plans[arn] = true
	return true
}

// planPlanned reports whether a recovery plan of this walk deploys arn.
func (w *plannedWalk) planPlanned(arn string) bool {
	w.init()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.plans[arn]
}
