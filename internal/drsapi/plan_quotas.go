package drsapi

import (
	"context"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// RunLimits reads what bounds a recovery run now: the live quotas on jobs
// and the DRS jobs already active. The provider (at plan) and the CLI and
// executions (before a start) check plans against them.
func RunLimits(ctx context.Context, quotas ServiceQuotasAPI, jobs JobAPI) (recoveryplan.Quotas, recoveryplan.Usage, error) {
	limits, err := QuotaLimits(ctx, quotas)
	if err != nil {
		return recoveryplan.Quotas{}, recoveryplan.Usage{}, err
	}
	q := recoveryplan.DefaultQuotas
	for _, l := range limits {
		switch l.Code {
		case QuotaServersPerJob:
			q.ServersPerJob = int(l.Limit)
		case QuotaConcurrentJobs:
			q.ConcurrentJobs = int(l.Limit)
		case QuotaServersInActiveJobs:
			q.ServersInActiveJobs = int(l.Limit)
		}
	}
	active, err := ActiveJobs(ctx, jobs)
	if err != nil {
		return q, recoveryplan.Usage{}, err
	}
	return q, recoveryplan.Usage{ActiveJobs: len(active), ServersInActiveJobs: ServersInJobs(active)}, nil
}
