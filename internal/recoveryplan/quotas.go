package recoveryplan

import "fmt"

// DRS quota codes (Service Quotas, service code "drs").
const (
	QuotaReplicatingServers      = "L-C1D14A2B"
	QuotaTotalServers            = "L-E28BE5E0"
	QuotaServersPerJob           = "L-B827C881"
	QuotaServersInActiveJobs     = "L-05AFA8C6"
	QuotaConcurrentJobs          = "L-D88FAC3A"
	QuotaConcurrentJobsPerServer = "L-DD6D028C"
)

// Quotas are the DRS limits that bound a run, as read live.
type Quotas struct {
	ServersPerJob       int
	ConcurrentJobs      int
	ServersInActiveJobs int
}

// DefaultQuotas are the published defaults, used only when the live values
// cannot be read.
var DefaultQuotas = Quotas{ServersPerJob: 100, ConcurrentJobs: 20, ServersInActiveJobs: 500}

// Usage is what DRS is doing right now in the account and region.
type Usage struct {
	ActiveJobs          int
	ServersInActiveJobs int
}

// ValidateQuotas checks each wave against the per-job quota and each level
// against the concurrent-job and servers-in-active-jobs quotas (errors:
// the plan can never run), then against live usage (warnings: it would
// fail if started now). Levels must come from p.Levels().
func (p Plan) ValidateQuotas(levels [][]string, q Quotas, now Usage) Problems {
	var ps Problems
	index := map[string]int{}
	for i, w := range p.Waves {
		index[w.Name] = i
		if n := len(w.ServerIDs); q.ServersPerJob > 0 && n > q.ServersPerJob {
			ps = append(ps, Problem{Severity: Error, Wave: i, Attribute: "protection_group", Summary: "Wave larger than the DRS per-job quota",
				Detail: fmt.Sprintf("wave %q recovers %d servers but DRS allows %d source servers in a single job (quota %s); split protection group %q over several waves or raise the quota",
					w.Name, n, q.ServersPerJob, QuotaServersPerJob, w.ProtectionGroup)})
		}
	}
	for l, names := range levels {
		servers := 0
		for _, name := range names {
			servers += len(p.Waves[index[name]].ServerIDs)
		}
		first := index[names[0]]
		if q.ConcurrentJobs > 0 && len(names) > q.ConcurrentJobs {
			ps = append(ps, Problem{Severity: Error, Wave: first, Attribute: "depends_on", Summary: "Level exceeds the DRS concurrent-jobs quota",
				Detail: fmt.Sprintf("level %d runs %d waves at once but DRS allows %d concurrent jobs (quota %s); make some of these waves depend on others",
					l+1, len(names), q.ConcurrentJobs, QuotaConcurrentJobs)})
		} else if q.ConcurrentJobs > 0 && len(names)+now.ActiveJobs > q.ConcurrentJobs {
			ps = append(ps, Problem{Severity: Warning, Wave: first, Attribute: "depends_on", Summary: "Level would exceed concurrent jobs now",
				Detail: fmt.Sprintf("level %d starts %d jobs while %d DRS jobs are already active, over the limit of %d (quota %s); a run started now would fail at this level",
					l+1, len(names), now.ActiveJobs, q.ConcurrentJobs, QuotaConcurrentJobs)})
		}
		if q.ServersInActiveJobs > 0 && servers > q.ServersInActiveJobs {
			ps = append(ps, Problem{Severity: Error, Wave: first, Attribute: "depends_on", Summary: "Level exceeds the DRS servers-in-active-jobs quota",
				Detail: fmt.Sprintf("level %d recovers %d servers at once but DRS allows %d source servers in all active jobs (quota %s); move some waves to a later level",
					l+1, servers, q.ServersInActiveJobs, QuotaServersInActiveJobs)})
		} else if q.ServersInActiveJobs > 0 && servers+now.ServersInActiveJobs > q.ServersInActiveJobs {
			ps = append(ps, Problem{Severity: Warning, Wave: first, Attribute: "depends_on", Summary: "Level would exceed servers in active jobs now",
				Detail: fmt.Sprintf("level %d recovers %d servers while %d are already in active DRS jobs, over the limit of %d (quota %s); a run started now would fail at this level",
					l+1, servers, now.ServersInActiveJobs, q.ServersInActiveJobs, QuotaServersInActiveJobs)})
		}
	}
	return ps
}
