package drssim

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Estate names one simulated estate for the control API. An empty Account
// is the default account; an empty Region is us-east-1.
type Estate struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

func (r Estate) key() estateKey {
	k := estateKey(r)
	if k.Account == "" {
		k.Account = awswire.DefaultAccount
	}
	if k.Region == "" {
		k.Region = "us-east-1"
	}
	return k
}

// mutate runs fn on the estate, brought up to the present, and persists.
func (s *Simulator) mutate(ref Estate, fn func(e *estate, now time.Time) error) error {
	k := ref.key()
	if !reAccountID.MatchString(k.Account) {
		return fmt.Errorf("account %q is not a 12-digit AWS account ID", k.Account)
	}
	if !reRegion.MatchString(k.Region) {
		return fmt.Errorf("region %q is not an AWS region such as us-east-1", k.Region)
	}
	e, regionErr := s.estateFor(k)
	if regionErr != nil {
		return fmt.Errorf("region %q: Elastic Disaster Recovery is not offered there", k.Region)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := s.now()
	s.advanceEstate(e, now)
	if err := fn(e, now); err != nil {
		return err
	}
	return s.flush(context.Background(), e)
}

// SetFaults replaces the estate's injected faults.
func (s *Simulator) SetFaults(ref Estate, f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	return s.mutate(ref, func(e *estate, _ time.Time) error {
		e.faults = f
		e.requests = 0
		e.dirtyMeta = true
		return nil
	})
}

// SetFailLaunch makes the launches of the given servers fail (or succeed
// again when fail is false).
func (s *Simulator) SetFailLaunch(ref Estate, fail bool, sourceServerIDs ...string) error {
	return s.mutate(ref, func(e *estate, _ time.Time) error {
		for _, id := range sourceServerIDs {
			if _, ok := e.byID[id]; !ok {
				return fmt.Errorf("source server %s does not exist in estate %s", id, e.key)
			}
		}
		for _, id := range sourceServerIDs {
			e.byID[id].FailLaunch = fail
			e.dirtyServers[id] = true
		}
		return nil
	})
}

// SetQuota overrides one DRS quota of the estate.
func (s *Simulator) SetQuota(ref Estate, code string, value int) error {
	if _, ok := quotaByCode(code); !ok {
		return fmt.Errorf("unknown DRS quota code %q (known: %v)", code, quotaCodes())
	}
	if value < 0 {
		return fmt.Errorf("quota %s: %d must be 0 or more", code, value)
	}
	return s.mutate(ref, func(e *estate, _ time.Time) error {
		e.quotas[code] = value
		e.dirtyMeta = true
		return nil
	})
}

// AddServers generates servers in the estate (initializing it) and returns
// their IDs.
func (s *Simulator) AddServers(ref Estate, g GenerateSpec) ([]string, error) {
	if g.Count < 1 || g.Count > maxGenerated {
		return nil, fmt.Errorf("count %d must be between 1 and %d", g.Count, maxGenerated)
	}
	if g.HostnamePrefix != "" && !reHostname.MatchString(g.HostnamePrefix) {
		return nil, fmt.Errorf("hostnamePrefix %q is not a host name", g.HostnamePrefix)
	}
	var ids []string
	err := s.mutate(ref, func(e *estate, now time.Time) error {
		e.initialized = true
		e.dirtyMeta = true
		ids = e.generate(g, now)
		return nil
	})
	return ids, err
}

// maxAdvance is the longest single step of /_sim/advance: a year and a day
// covers the longest wait anything in the service has (a Step Functions
// execution, and so a pause gate, lasts at most a year); larger numbers
// (1e308) would overflow the clock.
const maxAdvance = 366 * 24 * time.Hour

// checkAdvance validates the seconds of an advance request.
func checkAdvance(seconds *float64) error {
	switch {
	case seconds == nil:
		return fmt.Errorf(`"seconds" is required`)
	case math.IsNaN(*seconds) || math.IsInf(*seconds, 0):
		return fmt.Errorf(`"seconds" must be a finite number, got %v`, *seconds)
	case *seconds < 0:
		return fmt.Errorf(`"seconds" must be 0 or more (time only moves forward), got %v`, *seconds)
	case *seconds > maxAdvance.Seconds():
		return fmt.Errorf(`"seconds" must be at most %.0f (366 days) per request, got %g`, maxAdvance.Seconds(), *seconds)
	}
	return nil
}

// Advance moves simulated time forward and applies what became due.
func (s *Simulator) Advance(d time.Duration) time.Time {
	s.clock.Advance(d)
	s.catchUp()
	return s.clock.Now()
}

// RunUntilIdle advances simulated time until no job in any estate has a
// step left, and returns the new simulated time.
func (s *Simulator) RunUntilIdle() time.Time {
	for {
		var last time.Time
		found := false
		for _, e := range s.allEstates() {
			e.mu.Lock()
			if t, ok := e.pendingUntil(); ok && (!found || t.After(last)) {
				last, found = t, true
			}
			e.mu.Unlock()
		}
		if !found {
			return s.clock.Now()
		}
		s.clock.AdvanceTo(last.Add(-s.ClockOffset())) // last is on DRS's clock
		s.catchUp()
	}
}

// catchUp applies due events in every estate and persists them.
func (s *Simulator) catchUp() {
	now := s.now()
	for _, e := range s.allEstates() {
		e.mu.Lock()
		s.advanceEstate(e, now)
		if err := s.flush(context.Background(), e); err != nil {
			s.logger.Error("drs simulator: persist estate", "estate", e.key.String(), "err", err)
		}
		e.mu.Unlock()
	}
}

// EstateState summarises one estate for /_sim/state.
type EstateState struct {
	Account           string         `json:"account"`
	Region            string         `json:"region"`
	Initialized       bool           `json:"initialized"`
	Servers           int            `json:"servers"`
	Jobs              int            `json:"jobs"`
	ActiveJobs        int            `json:"activeJobs"`
	RecoveryInstances int            `json:"recoveryInstances"`
	Quotas            map[string]int `json:"quotas"`
	Faults            Faults         `json:"faults"`
}

// State is the simulator's summary.
type State struct {
	// Now is DRS's clock: the run service's clock plus ClockOffsetSeconds.
	Now                time.Time     `json:"now"`
	ClockOffsetSeconds float64       `json:"clockOffsetSeconds,omitempty"`
	Estates            []EstateState `json:"estates"`
}

// State summarises every estate at the present simulated time.
func (s *Simulator) State() State {
	s.catchUp()
	st := State{Now: s.now(), ClockOffsetSeconds: s.ClockOffset().Seconds(), Estates: []EstateState{}}
	for _, e := range s.allEstates() {
		e.mu.Lock()
		active, _ := e.activeJobs()
		quotas := map[string]int{}
		for _, q := range quotaDefs {
			quotas[q.Code] = e.quota(q.Code)
		}
		st.Estates = append(st.Estates, EstateState{Account: e.key.Account, Region: e.key.Region,
			Initialized: e.initialized, Servers: len(e.servers), Jobs: len(e.jobs), ActiveJobs: active,
			RecoveryInstances: len(e.instances), Quotas: quotas, Faults: e.faults.clone()})
		e.mu.Unlock()
	}
	return st
}

// SetWireFaults replaces the router's wire-fault rules.
func (s *Simulator) SetWireFaults(rules []wirefault.Rule) error {
	if s.wireFaults == nil {
		return fmt.Errorf("this simulator has no router to inject wire faults into")
	}
	return s.wireFaults.Set(rules)
}

// WireFaultStatus lists the router's wire-fault rules with their counts.
func (s *Simulator) WireFaultStatus() []wirefault.RuleStatus { return s.wireFaults.Status() }
