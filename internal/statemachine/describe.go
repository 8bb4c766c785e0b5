package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// PlanView is what a compiled definition says about its plan: enough for
// status views (the CLI, the dashboard) to show waves and levels of any
// execution, even one started outside Terraform.
type PlanView struct {
	Plan   string
	Levels [][]WaveView
}

// WaveView is one wave as compiled.
type WaveView struct {
	Name            string
	Level           int // 1-based
	ProtectionGroup string
	PauseBefore     bool
	SourceServerIDs []string
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
	Type       string `json:"Type"`
	Next       string `json:"Next"`
	StartAt    string `json:"StartAt"`
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
			view.Plan = plan
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
	return w, params.Tags[TagPlan], nil
}
