package ui

import (
	"context"
	"fmt"

	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/cost"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// costView is a plan's estimated cost as the plan page shows it.
type costView struct {
	*cost.Estimate
	// Waves names each server's wave.
	Waves map[string]string
	// Servers is the plan's server count.
	Servers int
}

// estimate prices a plan's recovery instances: what DRS would launch for
// each server, at the on-demand prices of the AWS Price List. sources are
// the plan's servers as the page read them (DescribeSourceServers), or
// sourcesErr why not. A failed read makes the estimate unavailable (with
// the reason), never the page.
func (d *Dashboard) estimate(ctx context.Context, est Estate, view *statemachine.PlanView, sources []drstypes.SourceServer, sourcesErr error) costView {
	v := costView{Waves: map[string]string{}}
	var ids []string
	for _, w := range view.Waves() {
		for _, id := range w.SourceServerIDs {
			if _, dup := v.Waves[id]; !dup {
				ids = append(ids, id)
			}
			v.Waves[id] = w.Name
		}
	}
	v.Servers = len(ids)
	drill, fromRTO := cost.DrillLength(view.RTO)
	unavailable := func(err error) costView {
		v.Estimate = &cost.Estimate{Region: est.Region, Drill: drill, DrillFromRTO: fromRTO, Unavailable: err.Error()}
		return v
	}
	if sourcesErr != nil {
		return unavailable(fmt.Errorf("read the plan's source servers (DescribeSourceServers): %w", sourcesErr))
	}
	launches := cost.LaunchesOf(ctx, d.clients(est).DRS, d.ec2Client(est), ids, sources)
	client, endpoint := d.pricingClient(est)
	prices, err := d.prices.Prices(ctx, client, endpoint, cost.Keys(est.Region, launches))
	if err != nil {
		return unavailable(err)
	}
	e := cost.Compute(est.Region, launches, prices, drill, fromRTO)
	v.Estimate = &e
	return v
}

// formatUSD shows a sum of money to the cent.
func formatUSD(v float64) string { return fmt.Sprintf("$%.2f", v) }

// formatRate shows an hourly price as the Price List states it, to a
// hundredth of a cent.
func formatRate(v float64) string { return fmt.Sprintf("$%.4f", v) }
