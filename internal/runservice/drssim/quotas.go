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
	QuotaLaunchActions      = "L-0588D03B"
	QuotaLaunchTemplates    = "L-1F3FAE4D"
	QuotaSourceNetworks     = "L-4B0323BD"
)

// quotaDefs are DRS's quotas with the names, defaults and adjustability
// Service Quotas lists for service code drs, per "AWS Elastic Disaster
// Recovery endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/drs.html).
// Every one is per account and region (GlobalQuota false) and counted
// without a unit ("None"). Where sources differ on adjustability, the
// stricter answer (not adjustable) is kept.
var quotaDefs = []quotaDef{
	{QuotaReplicatingServers, "Max Total replicating source servers Per AWS Account", 300, false},
	{QuotaTotalServers, "Max Total source servers Per AWS Account", 4000, true},
	{QuotaServersPerJob, "Max source servers in a single Job", 100, false},
	{QuotaServersActiveJobs, "Max source servers in all Jobs", 500, false},
	{QuotaConcurrentJobs, "Concurrent jobs in progress", 20, false},
	{QuotaJobsPerServer, "Max concurrent Jobs per source server", 1, false},
	{QuotaLaunchActions, "Max number of launch actions per resource", 200, false},
	{QuotaLaunchTemplates, "Max number of launch configuration templates per AWS account", 1, false},
	{QuotaSourceNetworks, "Max number of source networks per AWS account", 100, true},
}

func quotaByCode(code string) (quotaDef, bool) {
	for _, q := range quotaDefs {
		if q.Code == code {
			return q, true
		}
	}
	return quotaDef{}, false
}
