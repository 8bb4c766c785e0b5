package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Legacy definitions: how the compilers before the wave runner laid a plan
// out, kept so that plans they deployed still import, show status and run.
const (
	commentWave    = "wave "
	commentDepends = "depends_on: "
	dependsDefault = "the wave before"
)

func levelState(l int) string { return fmt.Sprintf("Level %d", l+1) }

// describeLegacy reads a definition of the compilers before the wave
// runner: every wave's states inline, one Parallel state per level, the
// wave's position and depends_on in its branch's Comment.
func describeLegacy(root rawState) (*PlanView, error) {
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
