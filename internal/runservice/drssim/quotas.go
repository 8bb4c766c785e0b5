package drssim

// quotaDef is one DRS service quota (Service Quotas service code "drs").
type quotaDef struct {
	Code       string
	Name       string
	Default    int
	Adjustable bool
}

// Quota codes the simulator enforces.
const (
	QuotaReplicatingServers = "L-C1D14A2B"
	QuotaTotalServers       = "L-E28BE5E0"
	QuotaServersPerJob      = "L-B827C881"
	QuotaServersActiveJobs  = "L-05AFA8C6"
	QuotaConcurrentJobs     = "L-D88FAC3A"
	QuotaJobsPerServer      = "L-DD6D028C"
)

var quotaDefs = []quotaDef{
	{QuotaReplicatingServers, "Replicating source servers", 300, false},
	{QuotaTotalServers, "Total source servers", 4000, true},
	{QuotaServersPerJob, "Source servers in a single job", 100, true},
	{QuotaServersActiveJobs, "Source servers in all active jobs", 500, true},
	{QuotaConcurrentJobs, "Concurrent jobs in progress", 20, true},
	{QuotaJobsPerServer, "Concurrent jobs per source server", 1, false},
}

func quotaByCode(code string) (quotaDef, bool) {
	for _, q := range quotaDefs {
		if q.Code == code {
			return q, true
		}
	}
	return quotaDef{}, false
}
