package drsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	smithy "github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// ServiceCode is DRS's code in Service Quotas.
const ServiceCode = "drs"

// Quota codes of DRS (defined with the domain, which names them in its
// messages).
const (
	QuotaReplicatingServers  = recoveryplan.QuotaReplicatingServers
	QuotaTotalServers        = recoveryplan.QuotaTotalServers
	QuotaServersPerJob       = recoveryplan.QuotaServersPerJob
	QuotaServersInActiveJobs = recoveryplan.QuotaServersInActiveJobs
	QuotaConcurrentJobs      = recoveryplan.QuotaConcurrentJobs
	QuotaJobsPerSourceServer = recoveryplan.QuotaConcurrentJobsPerServer
)

// QuotaDefinition is a DRS quota as AWS publishes it.
type QuotaDefinition struct {
	Code    string
	Name    string
	Default float64
	// AccountWide quotas have a usage across the account and region; the
	// per-job and per-server quotas do not.
	AccountWide bool
}

// Quotas lists the DRS quotas with their published defaults.
var Quotas = []QuotaDefinition{
	{QuotaReplicatingServers, "Replicating source servers", 300, true},
	{QuotaTotalServers, "Total source servers", 4000, true},
	{QuotaServersPerJob, "Source servers in a single job", 100, false},
	{QuotaServersInActiveJobs, "Source servers in all active jobs", 500, true},
	{QuotaConcurrentJobs, "Concurrent jobs in progress", 20, true},
	{QuotaJobsPerSourceServer, "Concurrent jobs per source server", 1, false},
}

// Where a quota's limit came from.
const (
	SourceServiceQuotas       = "service_quotas"
	SourceDefaultAccessDenied = "default_access_denied"
	SourceDefaultNotListed    = "default_not_listed"
)

// QuotaLimit is a quota's limit and where it came from.
type QuotaLimit struct {
	QuotaDefinition
	Limit  float64
	Source string
}

// ServiceQuotasAPI is the part of the Service Quotas client needed here.
type ServiceQuotasAPI interface {
	servicequotas.ListServiceQuotasAPIClient
	GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
}

// QuotaLimits reads the live limit of each DRS quota. When Service Quotas
// denies access the published defaults are used and marked so: quota
// checks still work, and the user can see they rest on defaults.
func QuotaLimits(ctx context.Context, api ServiceQuotasAPI) ([]QuotaLimit, error) {
	live := map[string]float64{}
	pages := servicequotas.NewListServiceQuotasPaginator(api, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String(ServiceCode)})
	denied := false
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if isAccessDenied(err) {
			denied = true
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ListServiceQuotas: %w", err)
		}
		for _, q := range page.Quotas {
			if q.QuotaCode != nil && q.Value != nil {
				live[*q.QuotaCode] = *q.Value
			}
		}
	}
	out := make([]QuotaLimit, 0, len(Quotas))
	for _, def := range Quotas {
		ql := QuotaLimit{QuotaDefinition: def, Limit: def.Default, Source: SourceDefaultNotListed}
		switch v, ok := live[def.Code]; {
		case denied:
			ql.Source = SourceDefaultAccessDenied
		case ok:
			ql.Limit, ql.Source = v, SourceServiceQuotas
		default:
			v, source, err := getQuota(ctx, api, def.Code)
			if err != nil {
				return nil, err
			}
			if source != "" {
				ql.Limit, ql.Source = v, source
			}
		}
		out = append(out, ql)
	}
	return out, nil
}

// getQuota asks for one quota that the listing did not return.
func getQuota(ctx context.Context, api ServiceQuotasAPI, code string) (float64, string, error) {
	out, err := api.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(ServiceCode), QuotaCode: aws.String(code)})
	var notFound *sqtypes.NoSuchResourceException
	switch {
	case errors.As(err, &notFound):
		return 0, "", nil
	case isAccessDenied(err):
		return 0, SourceDefaultAccessDenied, nil
	case err != nil:
		return 0, "", fmt.Errorf("GetServiceQuota %s: %w", code, err)
	}
	if out.Quota == nil || out.Quota.Value == nil {
		return 0, "", nil
	}
	return *out.Quota.Value, SourceServiceQuotas, nil
}

func isAccessDenied(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "AccessDeniedException", "AccessDenied", "NoAccessToQuotas":
		return true
	}
	return false
}

// Usage is the account-wide consumption of the DRS quotas in one region.
type Usage struct {
	ReplicatingServers  int
	TotalServers        int
	ActiveJobs          int
	ServersInActiveJobs int
}

// Replicating reports whether a server counts against the replicating
// servers quota: every server whose replication has not been stopped.
func Replicating(s types.SourceServer) bool {
	st := ReplicationState(s)
	return st != "" && st != types.DataReplicationStateStopped
}

// MeasureUsage computes Usage from the servers and the active jobs.
func MeasureUsage(servers []types.SourceServer, activeJobs []types.Job) Usage {
	u := Usage{TotalServers: len(servers), ActiveJobs: len(activeJobs), ServersInActiveJobs: ServersInJobs(activeJobs)}
	for _, s := range servers {
		if Replicating(s) {
			u.ReplicatingServers++
		}
	}
	return u
}

// Of returns the usage counted against the quota code; ok is false for
// quotas without an account-wide usage.
func (u Usage) Of(code string) (n int, ok bool) {
	switch code {
	case QuotaReplicatingServers:
		return u.ReplicatingServers, true
	case QuotaTotalServers:
		return u.TotalServers, true
	case QuotaServersInActiveJobs:
		return u.ServersInActiveJobs, true
	case QuotaConcurrentJobs:
		return u.ActiveJobs, true
	}
	return 0, false
}
