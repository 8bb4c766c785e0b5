package executions

import (
	"encoding/json"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Input is the execution input of a recovery plan, as drsorch builds and
// reads it. Its per-wave members are maps by control; on the wire, plans of
// spec version 2 read them per wave (statemachine.InputWaves, MarshalJSON),
// plans of spec version 1 as the maps themselves (Encode). Both forms
// read back into the maps (UnmarshalJSON).
type Input struct {
	Type      string `json:"type"`
	InvokedBy string `json:"invokedBy,omitempty"`
	// AdoptJobs maps waves to the DRS jobs they follow instead of starting
	// recovery (adopt.go).
	AdoptJobs map[string]string `json:"adoptJobs,omitempty"`
	// SkipWaves maps waves that do not run to where they were recovered
	// (an earlier execution's ARN, or why they are taken as recovered);
	// OnlyServers maps waves to the only servers they launch (retry.go).
	SkipWaves   map[string]string   `json:"skipWaves,omitempty"`
	OnlyServers map[string][]string `json:"onlyServers,omitempty"`
	// PointInTime (RFC 3339) is the point in time the run recovers from,
	// as asked; RecoverySnapshots maps waves to their servers and the
	// recovery snapshot each launches from, as chosen before the start
	// (pointintime.go).
	PointInTime       string                                     `json:"pointInTime,omitempty"`
	RecoverySnapshots map[string][]statemachine.RecoverySnapshot `json:"recoverySnapshots,omitempty"`
}

// inputV1 is Input in the form plans of spec version 1 read.
type inputV1 Input

// inputV2 is Input in the form plans of spec version 2 read.
type inputV2 struct {
	Type        string                              `json:"type"`
	InvokedBy   string                              `json:"invokedBy,omitempty"`
	PointInTime string                              `json:"pointInTime,omitempty"`
	Waves       map[string]statemachine.WaveControl `json:"waves,omitempty"`
}

// Encode is the input for a plan whose definition reads its waves'
// controls per wave (statemachine.PlanView.WaveControls), or as the maps of
// spec version 1.
func (in Input) Encode(waveControls bool) ([]byte, error) {
	if !waveControls {
		return json.Marshal(inputV1(in))
	}
	return json.Marshal(in)
}

// MarshalJSON writes the form of spec version 2 (statemachine.InputWaves).
func (in Input) MarshalJSON() ([]byte, error) {
	out := inputV2{Type: in.Type, InvokedBy: in.InvokedBy, PointInTime: in.PointInTime, Waves: map[string]statemachine.WaveControl{}}
	edit := func(wave string, f func(*statemachine.WaveControl)) {
		c := out.Waves[wave]
		f(&c)
		out.Waves[wave] = c
	}
	for w, job := range in.AdoptJobs {
		edit(w, func(c *statemachine.WaveControl) { c.AdoptJobID = job })
	}
	for w, where := range in.SkipWaves {
		edit(w, func(c *statemachine.WaveControl) { c.Skip = where })
	}
	for w, servers := range in.OnlyServers {
		edit(w, func(c *statemachine.WaveControl) { c.OnlyServers = servers })
	}
	for w, snaps := range in.RecoverySnapshots {
		edit(w, func(c *statemachine.WaveControl) { c.RecoverySnapshots = snaps })
	}
	if len(out.Waves) == 0 {
		out.Waves = nil
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads either form.
func (in *Input) UnmarshalJSON(b []byte) error {
	var both struct {
		inputV1
		Waves map[string]statemachine.WaveControl `json:"waves"`
	}
	if err := json.Unmarshal(b, &both); err != nil {
		return err
	}
	*in = Input(both.inputV1)
	for w, c := range both.Waves {
		if c.AdoptJobID != "" {
			put(&in.AdoptJobs, w, c.AdoptJobID)
		}
		if c.Skip != "" {
			put(&in.SkipWaves, w, c.Skip)
		}
		if len(c.OnlyServers) > 0 {
			put(&in.OnlyServers, w, c.OnlyServers)
		}
		if len(c.RecoverySnapshots) > 0 {
			put(&in.RecoverySnapshots, w, c.RecoverySnapshots)
		}
	}
	return nil
}

// put sets m[k], making m when it is nil.
func put[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

// perWave reports whether in controls any wave (its encoding depends on
// the plan's spec version).
func (in Input) perWave() bool {
	return len(in.AdoptJobs)+len(in.SkipWaves)+len(in.OnlyServers)+len(in.RecoverySnapshots) > 0
}
