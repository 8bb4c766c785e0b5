// Package wirefault injects the failures AWS APIs have and their service
// models do not list: HTTP 5xx answers and connection resets, on any API
// the run service serves, per service and operation, by count or by a
// seeded probability. Decisions are deterministic: the n-th request a rule
// matches fails or not by a hash of the rule's seed and n, so a test (or a
// drill rehearsal) sees the same failures on every run.
package wirefault

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Fault kinds.
const (
	// KindStatus answers with an HTTP 5xx error in the protocol's own
	// error shape, with a code no operation's model lists
	// (InternalFailure for 500, ServiceUnavailable for 503, …).
	KindStatus = "status"
	// KindReset closes the connection without an answer (TCP reset).
	KindReset = "reset"
)

// Services a rule can name: the run service's APIs.
var Services = []string{"drs", "states", "events", "sts", "servicequotas", "logs", "ec2", "pricing"}

// Rule is one fault.
type Rule struct {
	// Service is drs, states, events, sts, servicequotas, logs or ec2; empty
	// matches every service.
	Service string `json:"service,omitempty"`
	// Operation is the API operation (StartRecovery, StartExecution,
	// AssumeRole …); empty matches every operation of Service.
	Operation string `json:"operation,omitempty"`
	// Kind is "status" or "reset".
	Kind string `json:"kind"`
	// Status is the HTTP status of a "status" fault: 500 to 599 (500 when
	// zero).
	Status int `json:"status,omitempty"`
	// After lets that many matching requests through before the rule
	// starts failing them.
	After int `json:"after,omitempty"`
	// Count stops the rule after it has failed that many requests (0: no
	// limit).
	Count int `json:"count,omitempty"`
	// Probability fails each matching request with this probability,
	// decided from Seed; 0 fails every one.
	Probability float64 `json:"probability,omitempty"`
	Seed        int64   `json:"seed,omitempty"`
}

// Validate checks a rule.
func (r Rule) Validate() error {
	if r.Service != "" {
		known := false
		for _, s := range Services {
			known = known || s == r.Service
		}
		if !known {
			return fmt.Errorf("service %q is not one of %v", r.Service, Services)
		}
	}
	switch r.Kind {
	case KindStatus:
		if r.Status != 0 && (r.Status < 500 || r.Status > 599) {
			return fmt.Errorf("status %d: a status fault answers 500 to 599", r.Status)
		}
	case KindReset:
		if r.Status != 0 {
			return fmt.Errorf("a reset fault sends no status")
		}
	default:
		return fmt.Errorf("kind %q must be %q or %q", r.Kind, KindStatus, KindReset)
	}
	if r.After < 0 || r.Count < 0 {
		return fmt.Errorf("after and count must be 0 or more")
	}
	return CheckProbability(r.Probability)
}

// CheckProbability checks a fault's probability: 0 to 1 (NaN is refused).
func CheckProbability(p float64) error {
	if p < 0 || p > 1 || math.IsNaN(p) {
		return fmt.Errorf("probability %v must be between 0 and 1", p)
	}
	return nil
}

// Fault is a decision to fail one request.
type Fault struct {
	Kind   string
	Status int
	Code   string // the error code of a status fault
}

type ruleState struct {
	Rule
	seen   int // matching requests so far
	failed int // requests failed so far
}

// Injector holds the active rules. The zero value injects nothing.
type Injector struct {
	mu    sync.Mutex
	rules []*ruleState
}

// Set replaces the rules (and restarts their counts).
func (in *Injector) Set(rules []Rule) error {
	states := make([]*ruleState, 0, len(rules))
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("rule %d: %w", i, err)
		}
		states = append(states, &ruleState{Rule: r})
	}
	in.mu.Lock()
	in.rules = states
	in.mu.Unlock()
	return nil
}

// RuleStatus is a rule with its counters.
type RuleStatus struct {
	Rule
	Seen   int `json:"seen"`
	Failed int `json:"failed"`
}

// Status lists the rules and how often each matched and failed.
func (in *Injector) Status() []RuleStatus {
	if in == nil {
		return []RuleStatus{}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]RuleStatus, 0, len(in.rules))
	for _, r := range in.rules {
		out = append(out, RuleStatus{Rule: r.Rule, Seen: r.seen, Failed: r.failed})
	}
	return out
}

// Decide reports whether a request for service and operation fails, and
// how. The first rule that matches and fires wins; every matching rule
// counts the request.
func (in *Injector) Decide(service, operation string) (Fault, bool) {
	if in == nil {
		return Fault{}, false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var fault Fault
	fired := false
	for i, r := range in.rules {
		if (r.Service != "" && r.Service != service) || (r.Operation != "" && r.Operation != operation) {
			continue
		}
		if !r.schedule().Next(i, &r.seen, &r.failed, fired) {
			continue
		}
		fired = true
		fault = Fault{Kind: r.Kind}
		if r.Kind == KindStatus {
			fault.Status, fault.Code = StatusCode(r.Status)
		}
	}
	return fault, fired
}

func (r Rule) schedule() Schedule {
	return Schedule{After: r.After, Count: r.Count, Probability: r.Probability, Seed: r.Seed}
}

// Schedule is the part of a fault that decides which of the requests it
// matches fail: the first After pass, at most Count fail (0: no limit),
// and with a Probability each fails when Draw says so (0: every one).
// Wire rules here and the DRS simulator's operation faults both decide
// through it, so the same settings fail the same requests in both.
type Schedule struct {
	After       int
	Count       int
	Probability float64
	Seed        int64
}

// Next counts one more request the fault matches in *seen and reports
// whether it fails; a failure is counted in *failed. taken says an earlier
// fault already fails this request: it is counted but not failed again, so
// each fault's sequence does not depend on the others'. index is the
// fault's position among its peers, which Draw mixes in.
func (s Schedule) Next(index int, seen, failed *int, taken bool) bool {
	*seen++
	if taken || *seen <= s.After || (s.Count > 0 && *failed >= s.Count) {
		return false
	}
	if s.Probability > 0 && Draw(s.Seed, index, *seen) >= s.Probability {
		return false
	}
	*failed++
	return true
}

// StatusCode is the HTTP status and error code a status fault answers
// with: status, or 500 when it is zero.
func StatusCode(status int) (int, string) {
	if status == 0 {
		status = 500
	}
	return status, CodeFor(status)
}

// Draw is a number in [0, 1) fixed by the seed, the rule and the
// request's position among the requests the rule matched.
func Draw(seed int64, rule, n int) float64 {
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], uint64(seed))
	binary.BigEndian.PutUint64(b[8:], uint64(rule))
	binary.BigEndian.PutUint64(b[16:], uint64(n))
	sum := sha256.Sum256(b[:])
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// CodeFor is the error code AWS front ends answer with for a status:
// codes no operation's model lists, so SDKs surface them as generic
// service errors (Step Functions: <Service>.<Service>Exception).
func CodeFor(status int) string {
	switch status {
	case 500:
		return "InternalFailure"
	case 502:
		return "BadGateway"
	case 503:
		return "ServiceUnavailable"
	case 504:
		return "GatewayTimeout"
	}
	return "InternalFailure"
}
