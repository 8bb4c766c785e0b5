package recoveryplan

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Severity of a Problem.
type Severity int

// Severities: an Error stops the plan; a Warning is shown and let through.
const (
	Error Severity = iota
	Warning
)

// Problem is one finding, located on a wave attribute (Wave = -1 and an
// empty Attribute for the plan as a whole) so the provider can point the
// diagnostic at the attribute path.
type Problem struct {
	Severity Severity
	Wave     int // index into Plan.Waves, or -1
	// Attribute is name, depends_on, pause_before, protection_group,
	// timeout, poll_interval or rto; with Wave -1, a plan attribute (rto)
	// or "wave" for the wave list.
	Attribute string
	Summary   string
	Detail    string // what is wrong and what to change
}

func (p Problem) Error() string { return p.Summary + ": " + p.Detail }

// Problems is a list of findings.
type Problems []Problem

// HasErrors reports whether any problem is an Error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Err joins the errors (not the warnings) into one error, or nil.
func (ps Problems) Err() error {
	var errs []error
	for _, p := range ps {
		if p.Severity == Error {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}

var waveName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// MaxWaveTimeout bounds a wave's timeout.
const MaxWaveTimeout = 24 * time.Hour

// RTO bounds: a target under a minute cannot be met by any DRS launch,
// and no Step Functions standard execution runs longer than a year.
const (
	MinRTO = time.Minute
	MaxRTO = MaxPauseSeconds * time.Second
)

// ValidateStructure checks what needs no knowledge of servers or quotas:
// names, dependencies, cycles, pause gates and durations. It runs offline,
// at validate time.
func (p Plan) ValidateStructure() Problems {
	var ps Problems
	add := func(wave int, attr, summary, format string, args ...any) {
		ps = append(ps, Problem{Severity: Error, Wave: wave, Attribute: attr, Summary: summary, Detail: fmt.Sprintf(format, args...)})
	}
	if len(p.Waves) == 0 {
		add(-1, "wave", "Recovery plan has no waves", "add at least one wave block")
		return ps
	}
	index := map[string]int{}
	folded := map[string]int{}
	for i, w := range p.Waves {
		if !waveName.MatchString(w.Name) {
			add(i, "name", "Invalid wave name",
				"wave name %q must be 1-40 characters of letters, digits, '.', '_' or '-', starting with a letter or digit", w.Name)
			continue
		}
		if j, dup := folded[strings.ToLower(w.Name)]; dup {
			add(i, "name", "Duplicate wave name",
				"wave %d is named %q like wave %d (%q); wave names must be unique (ignoring case): rename one", i+1, w.Name, j+1, p.Waves[j].Name)
			continue
		}
		folded[strings.ToLower(w.Name)] = i
		index[w.Name] = i
	}
	for i, w := range p.Waves {
		seen := map[string]int{}
		for _, d := range w.DependsOn {
			seen[d]++
			switch {
			case seen[d] > 2: // reported at the second mention
			case d == w.Name:
				if seen[d] == 1 {
					add(i, "depends_on", "Wave depends on itself", "remove %q from wave %q's depends_on", d, w.Name)
				}
			case seen[d] == 2:
				add(i, "depends_on", "Duplicate dependency", "wave %q lists %q more than once in depends_on", w.Name, d)
			default:
				if _, ok := index[d]; !ok {
					add(i, "depends_on", "Unknown wave in depends_on",
						"wave %q depends on %q, which is not a wave of this plan; known waves: %s", w.Name, d, strings.Join(p.waveNames(), ", "))
				}
			}
		}
		if w.Timeout != 0 && (w.Timeout < time.Minute || w.Timeout > MaxWaveTimeout) {
			add(i, "timeout", "Wave timeout out of range", "wave %q has timeout %s; use a value between 1m and %s", w.Name, w.Timeout, MaxWaveTimeout)
		}
		if w.PollInterval != 0 && (w.PollInterval < MinPollInterval || w.PollInterval > MaxPollInterval) {
			add(i, "poll_interval", "Poll interval out of range",
				"wave %q polls every %s; use a value between %s and %s", w.Name, w.PollInterval, MinPollInterval, MaxPollInterval)
		}
		if w.EffectivePollInterval() > w.EffectiveTimeout() {
			add(i, "poll_interval", "Poll interval longer than the wave timeout",
				"wave %q polls every %s but times out after %s; shorten poll_interval or lengthen timeout", w.Name, w.EffectivePollInterval(), w.EffectiveTimeout())
		}
		ps = append(ps, w.validateSteps(i)...)
		ps = append(ps, rtoProblems(i, "wave "+strconv.Quote(w.Name), w.RTO)...)
		if w.RTO > w.EffectiveTimeout() {
			ps = append(ps, Problem{Severity: Warning, Wave: i, Attribute: "rto", Summary: "Wave RTO longer than its timeout",
				Detail: fmt.Sprintf("wave %q has rto %s but times out (fails) after %s, so a wave that recovers always meets its RTO; "+
					"shorten rto below the timeout, or lengthen timeout", w.Name, w.RTO, w.EffectiveTimeout())})
		}
		if p.RTO > 0 && w.RTO > p.RTO {
			ps = append(ps, Problem{Severity: Warning, Wave: i, Attribute: "rto", Summary: "Wave RTO longer than the plan's",
				Detail: fmt.Sprintf("wave %q has rto %s, longer than the plan's rto %s: the wave can meet its target while the run misses the plan's; "+
					"shorten the wave's rto or lengthen the plan's", w.Name, w.RTO, p.RTO)})
		}
	}
	ps = append(ps, rtoProblems(-1, "the plan", p.RTO)...)
	if ps.HasErrors() {
		return ps
	}
	levels, err := p.Levels()
	if err != nil {
		var cycle *CycleError
		if errors.As(err, &cycle) {
			add(index[cycle.Cycle[0]], "depends_on", "Dependency cycle",
				"%s; remove one of these dependencies", cycle.Error())
		} else {
			add(-1, "wave", "Invalid dependencies", "%v", err)
		}
		return ps
	}
	for _, name := range levels[0] {
		if i := index[name]; p.Waves[i].PauseBefore {
			add(i, "pause_before", "Pause before a first-level wave",
				"wave %q runs in the first level, so a pause before it would only delay the start; remove pause_before, or make the wave depend on another wave", name)
		}
	}
	return ps
}

// rtoProblems checks one RTO target (0: none): at least MinRTO, at most
// MaxRTO, whole seconds (the plan spec stores seconds).
func rtoProblems(wave int, what string, rto time.Duration) Problems {
	var detail string
	switch {
	case rto == 0:
		return nil
	case rto < MinRTO || rto > MaxRTO:
		detail = fmt.Sprintf("%s has rto %s; use a duration between %s and %s (8760h, a year: the longest a run can last), such as 45m or 4h", what, rto, MinRTO, "8760h")
	case rto%time.Second != 0:
		detail = fmt.Sprintf("%s has rto %s; use whole seconds, such as %s", what, rto, rto.Truncate(time.Second))
	default:
		return nil
	}
	return Problems{{Severity: Error, Wave: wave, Attribute: "rto", Summary: "RTO out of range", Detail: detail}}
}

// ValidateServers checks the waves' resolved servers: empty protection
// groups and a server recovered by more than one wave. Call it only when
// every wave's ServerIDs are known.
func (p Plan) ValidateServers() Problems {
	var ps Problems
	owner := map[string]int{}
	for i, w := range p.Waves {
		if len(w.ServerIDs) == 0 {
			ps = append(ps, Problem{Severity: Error, Wave: i, Attribute: "protection_group", Summary: "Empty protection group",
				Detail: fmt.Sprintf("wave %q recovers protection group %q, which has no source servers; add servers to the group or remove the wave", w.Name, w.ProtectionGroup)})
		}
		if w.HasSteps() && len(w.ServerIDs) > MaxStepInstances {
			attr := "post_launch"
			if len(w.PostLaunch) == 0 {
				attr = "health_check"
			}
			ps = append(ps, Problem{Severity: Error, Wave: i, Attribute: attr, Summary: "Too many servers for post-launch steps",
				Detail: fmt.Sprintf("wave %q recovers %d servers, and its steps run as one SSM command on every recovered instance, which takes at most %d instances; split protection group %q into groups of at most %d servers in separate waves",
					w.Name, len(w.ServerIDs), MaxStepInstances, w.ProtectionGroup, MaxStepInstances)})
		}
		// One problem per earlier wave this one overlaps, naming each
		// shared server once.
		var earlier []int
		shared := map[int][]string{}
		for _, id := range w.ServerIDs {
			j, dup := owner[id]
			if !dup {
				owner[id] = i
				continue
			}
			if j == i || slices.Contains(shared[j], id) {
				continue
			}
			if len(shared[j]) == 0 {
				earlier = append(earlier, j)
			}
			shared[j] = append(shared[j], id)
		}
		for _, j := range earlier {
			ids := shared[j]
			sort.Strings(ids)
			servers := "source server " + ids[0] + " is"
			if len(ids) > 1 {
				servers = "source servers " + strings.Join(ids, ", ") + " are"
			}
			ps = append(ps, Problem{Severity: Error, Wave: i, Attribute: "protection_group", Summary: "Server in more than one wave",
				Detail: fmt.Sprintf("%s in wave %q (group %q) and wave %q (group %q); a server can be recovered by one wave only",
					servers, p.Waves[j].Name, p.Waves[j].ProtectionGroup, w.Name, w.ProtectionGroup)})
		}
	}
	return ps
}

// waveNames are the plan's distinct wave names, sorted: a name two waves
// share (itself an error) is listed once.
func (p Plan) waveNames() []string {
	names := make([]string, 0, len(p.Waves))
	for _, w := range p.Waves {
		names = append(names, w.Name)
	}
	sort.Strings(names)
	return slices.Compact(names)
}
