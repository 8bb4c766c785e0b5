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
}

// WaveView is one wave as compiled.
type WaveView struct {
	Name            string
	Level           int // 1-based
	Position        int // 1-based, as declared in the plan
	ProtectionGroup string
	PauseBefore     bool
	DependsOn       []string
	DependsOnSet    bool
	Timeout         time.Duration
	PollInterval    time.Duration
	SourceServerIDs []string
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

// Describe reads a definition produced by Compile back into a PlanView.
func Describe(definition string) (*PlanView, error) {
	var root rawState
	if err := json.Unmarshal([]byte(definition), &root); err != nil {
		return nil, fmt.Errorf("state machine definition is not JSON: %w", err)
	}
	view := &PlanView{}
	for l := 0; ; l++ {
		level, ok := root.States[levelState(l)]
		if !ok || level.Type != "Parallel" {
			break
		}
		var waves []WaveView
		for _, branch := range level.Branches {
			w, plan, err := describeWave(branch, l+1)
			if err != nil {
				return nil, err
			}
			view.Name = plan
			waves = append(waves, w)
		}
		view.Levels = append(view.Levels, waves)
	}
	if len(view.Levels) == 0 {
		return nil, fmt.Errorf("state machine definition was not compiled by drsorch (no %q state)", levelState(0))
	}
	return view, nil
}

func describeWave(branch rawState, level int) (WaveView, string, error) {
	name, _, ok := strings.Cut(branch.StartAt, ": ")
	if !ok {
		return WaveView{}, "", fmt.Errorf("branch starting at %q is not a drsorch wave", branch.StartAt)
	}
	w := WaveView{Name: name, Level: level, PauseBefore: strings.HasSuffix(branch.StartAt, ": pause")}
	start, ok := branch.States[name+": start recovery"]
	if !ok {
		return WaveView{}, "", fmt.Errorf("wave %q has no start recovery state", name)
	}
	var params struct {
		SourceServers []struct {
			SourceServerID string `json:"SourceServerID"`
		} `json:"SourceServers"`
		Tags map[string]string `json:"Tags"`
	}
	if err := json.Unmarshal(start.Parameters, &params); err != nil {
		return WaveView{}, "", fmt.Errorf("wave %q: start recovery parameters: %w", name, err)
	}
	for _, s := range params.SourceServers {
		w.SourceServerIDs = append(w.SourceServerIDs, s.SourceServerID)
	}
	var recovered struct {
		ProtectionGroup string `json:"protectionGroup"`
	}
	if r, ok := branch.States[name+": recovered"]; ok {
		_ = json.Unmarshal(r.Parameters, &recovered)
	}
	w.ProtectionGroup = recovered.ProtectionGroup
	parseBranchComment(branch.Comment, &w)
	if setup, ok := branch.States[name+": poll setup"]; ok {
		var poll struct {
			Schedule []int `json:"schedule"`
		}
		if json.Unmarshal(setup.Result, &poll) == nil && len(poll.Schedule) > 0 {
			w.PollInterval = time.Duration(poll.Schedule[len(poll.Schedule)-1]) * time.Second
		}
	}
	if check, ok := branch.States[name+": check"]; ok {
		for _, c := range check.Choices {
			if c["Variable"] == "$.poll.elapsed" {
				if secs, ok := c["NumericGreaterThanEquals"].(float64); ok {
					w.Timeout = time.Duration(secs) * time.Second
				}
			}
		}
	}
	return w, params.Tags[TagPlan], nil
}

func parseBranchComment(comment string, w *WaveView) {
	pos, deps, ok := strings.Cut(comment, "; "+commentDepends)
	if !ok {
		return
	}
	if n, err := fmt.Sscanf(pos, commentWave+"%d of", &w.Position); n != 1 || err != nil {
		w.Position = 0
	}
	if deps == dependsDefault {
		return
	}
	w.DependsOnSet = true
	deps = strings.TrimSuffix(strings.TrimPrefix(deps, "["), "]")
	for _, d := range strings.Split(deps, ", ") {
		if d != "" {
			w.DependsOn = append(w.DependsOn, d)
		}
	}
}

// Plan rebuilds the domain plan the definition was compiled from.
func (v *PlanView) Plan() recoveryplan.Plan {
	p := recoveryplan.Plan{Name: v.Name}
	for _, w := range v.DeclaredWaves() {
		p.Waves = append(p.Waves, recoveryplan.Wave{
			Name: w.Name, ProtectionGroup: w.ProtectionGroup, DependsOn: w.DependsOn, DependsOnSet: w.DependsOnSet,
			PauseBefore: w.PauseBefore, Timeout: w.Timeout, PollInterval: w.PollInterval, ServerIDs: w.SourceServerIDs,
		})
	}
	return p
}
