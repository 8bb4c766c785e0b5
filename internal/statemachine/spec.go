package statemachine

import (
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// SpecVersion is the version of the plan spec this compiler writes.
// Readers accept every version up to it; a later one is refused with a
// message asking for a newer drsorch.
//
// Optional fields that change nothing about how the plan runs (rtoSeconds)
// are added without a new version and written only when set: a reader that
// predates them reads the plan correctly, only without them, and plans
// that do not use them keep their exact definition (no new version to
// publish after an upgrade). A field a reader must not ignore needs a new
// version.
//
// Version 2 leaves out of each wave what a reader can fill in (its
// position, and the default timeout and poll interval), and reads the
// waves' controls from the execution input's InputWaves: an earlier reader
// must refuse it.
const SpecVersion = 2

// PlanSpec is the plan as configured, embedded as data in the plan's
// definition (the Result of the StepPlanSpec Pass state, which discards
// it at run time): what the provider, the CLI and the dashboard read back
// by unmarshalling instead of parsing states. The waves' servers are not
// repeated here: each wave's runner Input (RunnerInput) carries them once.
type PlanSpec struct {
	SchemaVersion int        `json:"schemaVersion"`
	Plan          string     `json:"plan"`
	Waves         []WaveSpec `json:"waves"`
	// RTOSeconds is the plan's recovery time objective; 0 (absent) means
	// none. Read by reports and the console only.
	RTOSeconds int `json:"rtoSeconds,omitempty"`
}

// WaveSpec is one wave as configured, in declared order.
type WaveSpec struct {
	Name string `json:"name"`
	// Position is 1-based, as declared; version 2 leaves it out (the
	// index in Waves).
	Position        int    `json:"position,omitempty"`
	Level           int    `json:"level"` // 1-based topological layer
	ProtectionGroup string `json:"protectionGroup"`
	PauseBefore     bool   `json:"pauseBefore,omitempty"`
	Optional        bool   `json:"optional,omitempty"`
	// DependsOn as written; DependsOnSet false means "the wave before".
	DependsOn    []string `json:"dependsOn,omitempty"`
	DependsOnSet bool     `json:"dependsOnSet,omitempty"`
	// Version 2 leaves out the defaults (recoveryplan.DefaultWaveTimeout,
	// DefaultPollInterval).
	TimeoutSeconds      int `json:"timeoutSeconds,omitempty"`
	PollIntervalSeconds int `json:"pollIntervalSeconds,omitempty"`
	// RTOSeconds is the wave's recovery time objective; 0 (absent) means none.
	RTOSeconds int `json:"rtoSeconds,omitempty"`
}

func specOf(plan recoveryplan.Plan, levelOf map[string]int) PlanSpec {
	s := PlanSpec{SchemaVersion: SpecVersion, Plan: plan.Name, Waves: make([]WaveSpec, len(plan.Waves)), RTOSeconds: int(plan.RTO / time.Second)}
	for i, w := range plan.Waves {
		s.Waves[i] = WaveSpec{
			Name: w.Name, Level: levelOf[w.Name], ProtectionGroup: w.ProtectionGroup,
			PauseBefore: w.PauseBefore, Optional: w.Optional, DependsOn: w.DependsOn, DependsOnSet: w.DependsOnSet,
			RTOSeconds: int(w.RTO / time.Second),
		}
		if t := w.EffectiveTimeout(); t != recoveryplan.DefaultWaveTimeout {
			s.Waves[i].TimeoutSeconds = int(t / time.Second)
		}
		if iv := w.EffectivePollInterval(); iv != recoveryplan.DefaultPollInterval {
			s.Waves[i].PollIntervalSeconds = int(iv / time.Second)
		}
	}
	return s
}

// withDefaults fills in what version 2 leaves out of the wave at index i
// (version 1 wrote every member).
func (w WaveSpec) withDefaults(i int) WaveSpec {
	if w.Position == 0 {
		w.Position = i + 1
	}
	if w.TimeoutSeconds == 0 {
		w.TimeoutSeconds = int(recoveryplan.DefaultWaveTimeout / time.Second)
	}
	if w.PollIntervalSeconds == 0 {
		w.PollIntervalSeconds = int(recoveryplan.DefaultPollInterval / time.Second)
	}
	return w
}
