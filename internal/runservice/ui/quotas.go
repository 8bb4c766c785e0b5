package ui

import (
	"context"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// quotaRow is one DRS quota: its live limit and, for account-wide quotas,
// what is used now.
type quotaRow struct {
	drsapi.QuotaLimit
	Used    int
	HasUse  bool
	Percent int
	Level   string // ok, high (≥ 80 %), full
}

type quotaPanel struct {
	Rows  []quotaRow
	Error string
}

// readQuotas reads the limits from Service Quotas and measures usage from
// the source servers and active jobs, as the provider's checks do.
func readQuotas(ctx context.Context, c executions.Clients) quotaPanel {
	limits, err := drsapi.QuotaLimits(ctx, c.Quotas)
	if err != nil {
		return quotaPanel{Error: "Could not read DRS quotas: " + err.Error()}
	}
	servers, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil {
		return quotaPanel{Error: "Could not list source servers: " + err.Error()}
	}
	jobs, err := drsapi.ActiveJobs(ctx, c.DRS)
	if err != nil {
		return quotaPanel{Error: "Could not list active DRS jobs: " + err.Error()}
	}
	usage := drsapi.MeasureUsage(servers, jobs)
	var p quotaPanel
	for _, l := range limits {
		row := quotaRow{QuotaLimit: l, Level: "ok"}
		row.Used, row.HasUse = usage.Of(l.Code)
		if row.HasUse {
			row.Percent = percent(row.Used, l.Limit)
			switch {
			case float64(row.Used) >= l.Limit:
				row.Level = "full"
			case row.Percent >= 80:
				row.Level = "high"
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}
