package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// QuotaJSON is one DRS quota (`quotas --json`). Usage and headroom are null
// for quotas that apply per job or per server rather than account-wide.
type QuotaJSON struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Limit    float64 `json:"limit"`
	Usage    *int    `json:"usage"`
	Headroom *int    `json:"headroom"`
	// Source: service_quotas, default_access_denied or default_not_listed.
	Source string `json:"source"`
}

func newQuotasCommand(env *Env) *cobra.Command {
	return command(env, &cobra.Command{
		Use:   "quotas",
		Short: "DRS quotas: limit, usage now, headroom, and where the limit came from",
		Args:  exactArgs(0, "no arguments"),
	}, func(ctx context.Context, s *session, _ []string) error {
		rows, err := quotaRows(ctx, s)
		if err != nil {
			return err
		}
		if s.flags.json {
			return writeJSON(s.env.Stdout, rows)
		}
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "QUOTA\tCODE\tLIMIT\tUSAGE\tHEADROOM\tSOURCE")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Code, strconv.FormatFloat(r.Limit, 'f', -1, 64),
				intOrDash(r.Usage), intOrDash(r.Headroom), r.Source)
		}
		return tw.Flush()
	})
}

func quotaRows(ctx context.Context, s *session) ([]QuotaJSON, error) {
	limits, err := drsapi.QuotaLimits(ctx, s.clients.ServiceQuotas)
	if err != nil {
		return nil, apiError("read DRS quotas", err)
	}
	servers, err := drsapi.ListSourceServers(ctx, s.clients.DRS, nil)
	if err != nil {
		return nil, apiError("list DRS source servers", err)
	}
	jobs, err := drsapi.ActiveJobs(ctx, s.clients.DRS)
	if err != nil {
		return nil, apiError("list active DRS jobs", err)
	}
	usage := drsapi.MeasureUsage(servers, jobs)
	rows := make([]QuotaJSON, 0, len(limits))
	for _, l := range limits {
		r := QuotaJSON{Code: l.Code, Name: l.Name, Limit: l.Limit, Source: l.Source}
		if n, ok := usage.Of(l.Code); ok {
			headroom := int(l.Limit) - n
			r.Usage, r.Headroom = &n, &headroom
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func intOrDash(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}
