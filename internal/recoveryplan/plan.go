// Package recoveryplan is the pure domain of drsorch: recovery plans made of
// waves, their dependency graph and levels, and the checks that can be made
// before anything runs (structure, quotas). It imports neither Terraform nor
// AWS; the provider, the CLI and the state-machine compiler share it.
package recoveryplan

import "time"

// Defaults for a wave's run.
const (
	DefaultWaveTimeout  = 60 * time.Minute
	DefaultPollInterval = 30 * time.Second
	MinPollInterval     = 5 * time.Second
	MaxPollInterval     = 15 * time.Minute
	// MaxPauseSeconds is how long a pause gate may wait: Step Functions'
	// one-year limit for a standard workflow.
	MaxPauseSeconds = 365 * 24 * 3600
)

// Plan is a recovery plan: ordered waves of protection groups.
type Plan struct {
	Name  string
	Waves []Wave
	// RTO is the recovery time objective of a whole run (start until the
	// last wave is done, pauses included); 0 means none. It is a target
	// that reports and the console measure runs against, not a limit the
	// run enforces.
	RTO time.Duration
}

// Wave recovers one protection group's servers in one DRS job.
type Wave struct {
	Name            string
	ProtectionGroup string
	// DependsOn lists the waves this one waits for. When DependsOnSet is
	// false the wave depends on the wave before it (a plain list runs in
	// sequence); an explicit empty list starts it with the first level.
	DependsOn    []string
	DependsOnSet bool
	PauseBefore  bool
	// Optional: the wave's failure does not stop the run, which then ends
	// succeeded with failures (PARTIAL), like DRS's OPTIONAL impact level.
	Optional     bool
	Timeout      time.Duration // 0 means DefaultWaveTimeout
	PollInterval time.Duration // 0 means DefaultPollInterval
	ServerIDs    []string      // the protection group's resolved members
	// PostLaunch steps, then HealthChecks, run in order once the wave's
	// instances are up (steps.go).
	PostLaunch   []PostLaunch
	HealthChecks []HealthCheck
	// RTO is the wave's recovery time objective (its DRS job, start to
	// end); 0 means none. A target, like Plan.RTO.
	RTO time.Duration
}

// EffectiveTimeout is the wave timeout with the default applied.
func (w Wave) EffectiveTimeout() time.Duration {
	if w.Timeout <= 0 {
		return DefaultWaveTimeout
	}
	return w.Timeout
}

// EffectivePollInterval is the poll interval with the default applied.
func (w Wave) EffectivePollInterval() time.Duration {
	if w.PollInterval <= 0 {
		return DefaultPollInterval
	}
	return w.PollInterval
}

// Dependencies returns each wave's resolved dependencies, in wave order,
// applying the "depends on the wave before" default.
func (p Plan) Dependencies() map[string][]string {
	deps := make(map[string][]string, len(p.Waves))
	for i, w := range p.Waves {
		switch {
		case w.DependsOnSet:
			deps[w.Name] = append([]string(nil), w.DependsOn...)
		case i > 0:
			deps[w.Name] = []string{p.Waves[i-1].Name}
		default:
			deps[w.Name] = nil
		}
	}
	return deps
}

// ServerCount is the number of servers the plan recovers.
func (p Plan) ServerCount() int {
	n := 0
	for _, w := range p.Waves {
		n += len(w.ServerIDs)
	}
	return n
}

// Wave returns the wave with the given name.
func (p Plan) Wave(name string) (Wave, bool) {
	for _, w := range p.Waves {
		if w.Name == name {
			return w, true
		}
	}
	return Wave{}, false
}
