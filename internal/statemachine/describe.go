package statemachine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// PlanView is what a compiled definition says about its plan: enough for
// status views (the CLI, the dashboard) to show waves and levels of any
// execution, even one started outside Terraform.
type PlanView struct {
	Name   string
	Levels [][]WaveView
	// SpecVersion is the plan spec's schemaVersion; 0 for a definition of
	// a compiler before the wave runner (every wave's states inline).
	SpecVersion int
	// RunnerARN is the wave runner version the plan starts per wave.
	RunnerARN string
	// RecoverySnapshots reports whether the plan passes recovery snapshots
	// from the execution input to its waves: plans compiled before
	// point-in-time recovery ignore them.
	RecoverySnapshots bool
	// WaveControls reports whether the plan reads its waves' controls from
	// the execution input's InputWaves (spec version 2 on), rather than
	// from the four maps of spec version 1 (InputAdoptJobs …).
	WaveControls bool
	// RTO is the plan's recovery time objective; 0 when it has none.
	RTO time.Duration
}

// WaveView is one wave as compiled.
type WaveView struct {
	Name            string
	Level           int // 1-based
	Position        int // 1-based, as declared in the plan
	ProtectionGroup string
	PauseBefore     bool
	Optional        bool
	DependsOn       []string
	DependsOnSet    bool
	Timeout         time.Duration
	PollInterval    time.Duration
	SourceServerIDs []string
	PostLaunch      []recoveryplan.PostLaunch
	HealthChecks    []recoveryplan.HealthCheck
	// RTO is the wave's recovery time objective; 0 when it has none.
	RTO time.Duration
}

// DeclaredWaves lists the waves in the order the plan declared them.
func (v *PlanView) DeclaredWaves() []WaveView {
	waves := v.Waves()
	sort.SliceStable(waves, func(i, j int) bool { return waves[i].Position < waves[j].Position })
	return waves
}

// Waves lists every wave in level order.
func (v *PlanView) Waves() []WaveView {
	var out []WaveView
	for _, l := range v.Levels {
		out = append(out, l...)
	}
	return out
}

// Wave finds a wave by name.
func (v *PlanView) Wave(name string) (WaveView, bool) {
	for _, w := range v.Waves() {
		if w.Name == name {
			return w, true
		}
	}
	return WaveView{}, false
}

type rawState struct {
	Comment    string           `json:"Comment"`
	Result     json.RawMessage  `json:"Result"`
	Choices    []map[string]any `json:"Choices"`
	Type       string           `json:"Type"`
	Next       string           `json:"Next"`
	StartAt    string           `json:"StartAt"`
	States     map[string]rawState
	Branches   []rawState      `json:"Branches"`
	Parameters json.RawMessage `json:"Parameters"`
	Resource   string          `json:"Resource"`
}

// Describe reads a definition produced by Compile (or by a compiler before
// the wave runner) back into a PlanView.
func Describe(definition string) (*PlanView, error) {
	var root rawState
	if err := json.Unmarshal([]byte(definition), &root); err != nil {
		return nil, fmt.Errorf("state machine definition is not JSON: %w", err)
	}
	specState, ok := root.States[StepPlanSpec]
	if !ok {
		return describeLegacy(root)
	}
	var spec PlanSpec
	if err := json.Unmarshal(specState.Result, &spec); err != nil {
		return nil, fmt.Errorf("state machine definition: the %q state does not hold a plan spec: %w", StepPlanSpec, err)
	}
	if spec.SchemaVersion < 1 || spec.SchemaVersion > SpecVersion {
		return nil, fmt.Errorf("the plan spec of this state machine has schemaVersion %d; this drsorch reads versions 1 to %d: upgrade drsorch", spec.SchemaVersion, SpecVersion)
	}
	inputs := map[string]RunnerInput{}
	var walk func(states map[string]rawState) error
	walk = func(states map[string]rawState) error {
		for name, st := range states {
			for _, b := range st.Branches {
				if err := walk(b.States); err != nil {
					return err
				}
			}
			wave, step, ok := strings.Cut(name, ": ")
			if !ok || step != StepRun || st.Type != "Task" {
				continue
			}
			var params struct {
				Input RunnerInput `json:"Input"`
			}
			if err := json.Unmarshal(st.Parameters, &params); err != nil {
				return fmt.Errorf("wave %q: runner input: %w", wave, err)
			}
			inputs[wave] = params.Input
		}
		return nil
	}
	if err := walk(root.States); err != nil {
		return nil, err
	}
	view := &PlanView{Name: spec.Plan, SpecVersion: spec.SchemaVersion, RTO: time.Duration(spec.RTOSeconds) * time.Second}
	// Plans of spec version 1 with point-in-time recovery merged the
	// input's recoverySnapshots in a state of this name.
	_, v1Snapshots := root.States["Recovery snapshots?"]
	view.WaveControls = spec.SchemaVersion >= 2
	view.RecoverySnapshots = v1Snapshots || view.WaveControls
	if ctl, ok := root.States[StepControls]; ok {
		var p struct {
			Runner string `json:"runner"`
		}
		_ = json.Unmarshal(ctl.Parameters, &p)
		view.RunnerARN = p.Runner
	}
	for i, w := range spec.Waves {
		w = w.withDefaults(i)
		in, ok := inputs[w.Name]
		if !ok {
			return nil, fmt.Errorf("wave %q of the plan spec has no %q state", w.Name, WaveState(w.Name, StepRun))
		}
		if w.Level < 1 {
			return nil, fmt.Errorf("wave %q of the plan spec has level %d", w.Name, w.Level)
		}
		for len(view.Levels) < w.Level {
			view.Levels = append(view.Levels, nil)
		}
		post, checks := domainSteps(in.Steps)
		view.Levels[w.Level-1] = append(view.Levels[w.Level-1], WaveView{
			PostLaunch: post, HealthChecks: checks,
			Name: w.Name, Level: w.Level, Position: w.Position, ProtectionGroup: w.ProtectionGroup,
			PauseBefore: w.PauseBefore, Optional: w.Optional, DependsOn: w.DependsOn, DependsOnSet: w.DependsOnSet,
			Timeout:         time.Duration(w.TimeoutSeconds) * time.Second,
			PollInterval:    time.Duration(w.PollIntervalSeconds) * time.Second,
			SourceServerIDs: in.Servers,
			RTO:             time.Duration(w.RTOSeconds) * time.Second,
		})
	}
	// Within a level, the order the plan's levels give (Levels sorts them).
	if levels, err := view.Plan().Levels(); err == nil && len(levels) == len(view.Levels) {
		for l, names := range levels {
			byName := map[string]WaveView{}
			for _, w := range view.Levels[l] {
				byName[w.Name] = w
			}
			for i, n := range names {
				if w, ok := byName[n]; ok {
					view.Levels[l][i] = w
				}
			}
		}
	}
	return view, nil
}

// Plan rebuilds the domain plan the definition was compiled from.
func (v *PlanView) Plan() recoveryplan.Plan {
	p := recoveryplan.Plan{Name: v.Name, RTO: v.RTO}
	for _, w := range v.DeclaredWaves() {
		p.Waves = append(p.Waves, recoveryplan.Wave{
			Name: w.Name, ProtectionGroup: w.ProtectionGroup, DependsOn: w.DependsOn, DependsOnSet: w.DependsOnSet,
			PauseBefore: w.PauseBefore, Optional: w.Optional, Timeout: w.Timeout, PollInterval: w.PollInterval, ServerIDs: w.SourceServerIDs,
			PostLaunch: w.PostLaunch, HealthChecks: w.HealthChecks,
			RTO: w.RTO,
		})
	}
	return p
}
